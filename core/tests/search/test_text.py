from pathlib import Path

import jieba
from django.conf import settings

from core.search import normalise, query_tokens, tokens, warm_up


def test_normalise_simplifies_folds_width_and_case():
    assert normalise("財政局 資訊 ＯＡ系統") == "财政局 资讯 oa系统"
    assert normalise("") == ""


def test_segments_for_search():
    assert tokens("政务服务和大数据管理局").split() == ["政务", "服务", "和", "大", "数据", "管理", "管理局"]


def test_tokens_are_simplified():
    assert tokens("財政局") == tokens("财政局") == "财政 政局 财政局"


def test_ascii_words_and_codes_stay_whole():
    assert tokens("示例县OA系统 330122") == "示例 县 oa 系统 330122"
    assert tokens("IPv6改造") == "ipv6 改造"


def test_punctuation_and_whitespace_are_dropped():
    assert tokens("（ＯＡ）系统，v2.0；x_y  \n") == "oa 系统 v2 0 x y"
    assert tokens("！？。，、“”") == ""
    assert query_tokens("！？。，,.;*\"'&|") == []
    assert query_tokens("   ") == []


def test_query_uses_the_finest_dictionary_words():
    # The document "政务服务和大数据管理局" has 数据 and 管理 but not 数据管理.
    assert query_tokens("数据管理") == ["数据", "管理"]
    assert query_tokens("大数据") == ["大", "数据"]
    assert query_tokens("財政局") == ["财政", "政局"]
    # A word its sub-words do not cover is kept whole; duplicates go.
    assert query_tokens("管理局 管理局") == ["管理局"]
    assert query_tokens("330122 OA") == ["330122", "oa"]


def test_unknown_words_split_alike_in_any_context():
    # No HMM: an unknown word is single characters in a query and in a document alike.
    assert query_tokens("浙政钉") == ["浙", "政", "钉"]
    assert set(query_tokens("浙政钉")) <= set(tokens("使用浙政钉办公").split())


def test_warm_up_is_idempotent_and_caches_in_the_data_dir():
    warm_up()
    warm_up()
    assert jieba.dt.initialized
    assert Path(jieba.dt.tmp_dir) == Path(settings.DATA_DIR)


def whole_text_tokens(text: str) -> str:
    """What tokens() computed before it cut blocks separately: jieba over the whole text at once."""
    from core.search.text import _clean

    text = normalise(text)
    return " ".join(_clean(jieba.cut_for_search(text, HMM=False))) if text else ""


def test_block_by_block_matches_jieba_over_the_whole_text():
    import random

    warm_up()
    texts = [
        "示例县人力资源和社会保障局 RSJ-2023-001 社保卡管理系统",
        "c++ 开发 C#平台 AT&T at&t xc++y c#c# a.b_c%d&e+f#g-h",  # the ASCII words of jieba's dictionary
        "財政體系，。、；：ＡＢ１２ IPv6改造 v2.0",
        "_x0041_ 5G基站 3D打印 T恤 卡拉OK",
        "",
    ]
    alphabet = (
        "abcxyzABC0129+#&._%- ,/:()_"
        + "人力资源和社会保障局数据管理平台系统县财政统一身份认证卡拉"
        + "財政體，。ＡＢ１"
    )
    rng = random.Random(5)
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))) for _ in range(3000)]
    assert [tokens(text) for text in texts] == [whole_text_tokens(text) for text in texts]
