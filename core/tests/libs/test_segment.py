"""core.search.segment (jieba's search segmentation without the HMM, rewritten for speed) against jieba itself on the
runs of word characters it is given: names, place names, mixed letters and digits, traditional characters, and a
dictionary changed at run time."""

import math
import random
import re

import jieba
import pytest

from core.search import segment, warm_up

SAMPLES = [
    # people's names, common and compound surnames
    "张三李四王五赵六",
    "欧阳娜娜诸葛亮司马懿上官婉儿",
    "习近平李强王沪宁",
    "局长张伟副局长刘洋科员陈静",
    # place names
    "浙江省杭州市西湖区文三路",
    "新疆维吾尔自治区乌鲁木齐市天山区",
    "内蒙古自治区呼和浩特市",
    "西藏自治区日喀则市亚东县",
    "广西壮族自治区南宁市青秀区",
    "中华人民共和国国务院办公厅",
    # government and system names
    "示例县人力资源和社会保障局社保卡管理系统",
    "政务服务和大数据管理局统一身份认证平台",
    "公共数据平台一网通办浙政钉",
    "网络安全等级保护测评机构",
    # mixed letters and digits (the runs jieba's pattern takes: + # & . _ % - belong to them)
    "5G基站3D打印T恤卡拉OK",
    "第3季度2026年12月6日",
    "iPhone15ProMax华为Mate60",
    "RSJ-2023-001社保卡",
    "IPv6改造C++开发C#平台",
    "a.b_c%d&e+f#g-h",
    "OA系统v2.0升级",
    "1234567890",
    "ABCdef",
    # traditional characters (segment is also given them, before normalisation or by another caller)
    "臺灣省資訊系統發展與應用",
    "財政體系與國家預算管理",
    "香港特別行政區政府資訊科技總監辦公室",
    # single characters and rare ones
    "一",
    "龘靐齉",
    "的的的的的的的",
    "",
]


@pytest.fixture(scope="module", autouse=True)
def _jieba():
    warm_up()


def runs(text: str) -> list[str]:
    return [part for part in jieba.re_han_default.split(text) if part and jieba.re_han_default.fullmatch(part)]


@pytest.mark.parametrize("text", SAMPLES)
def test_cut_and_cut_for_search_equal_jiebas(text):
    for run in runs(text) or [text]:
        if not run:
            continue
        assert segment.cut(run) == list(jieba.dt.cut(run, HMM=False)), run
        assert segment.cut_for_search(run) == list(jieba.dt.cut_for_search(run, HMM=False)), run


def test_random_runs_of_dictionary_words_and_characters():
    rng = random.Random(11)
    words = [w for w, n in jieba.dt.FREQ.items() if n and re.fullmatch(r"[\u4e00-\u9fd5]{1,4}", w)]
    pieces = [*rng.sample(words, 3000), *"abcXYZ0189+#&._%-", "OK", "5G", "臺", "灣", "資"]
    for _ in range(3000):
        run = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        assert segment.cut_for_search(run) == list(jieba.dt.cut_for_search(run, HMM=False)), run


def test_a_word_added_at_run_time_is_seen_as_by_jieba():
    text = "使用浙政钉和浙里办办公"
    assert segment.cut(text) == list(jieba.dt.cut(text, HMM=False))  # scores remembered under the old total
    saved_total, saved = jieba.dt.total, {w: jieba.dt.FREQ.get(w) for w in ("浙政钉", "浙政", "浙里办", "浙里")}
    try:
        jieba.dt.add_word("浙政钉", 50_000)
        jieba.dt.add_word("浙里办", 3)
        logtotal = math.log(jieba.dt.total)
        assert segment._score("办公", jieba.dt.FREQ, logtotal) == math.log(jieba.dt.FREQ["办公"]) - logtotal
        for run in (text, "浙政钉浙里办", "办公"):
            assert segment.cut(run) == list(jieba.dt.cut(run, HMM=False)), run
            assert segment.cut_for_search(run) == list(jieba.dt.cut_for_search(run, HMM=False)), run
    finally:
        for word, freq in saved.items():
            if freq is None:
                jieba.dt.FREQ.pop(word, None)
            else:
                jieba.dt.FREQ[word] = freq
        jieba.dt.total = saved_total
        segment.cut(text)
