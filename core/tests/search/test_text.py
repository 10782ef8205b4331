from pathlib import Path

import jieba
from django.conf import settings

from core.search import Term, normalise, query_terms, query_tokens, tokens, warm_up
from core.search.text import grams, words


def test_normalise_simplifies_folds_width_and_case():
    assert normalise("財政局 資訊 ＯＡ系統") == "财政局 资讯 oa系统"
    assert normalise("") == ""


def test_segments_for_search_then_adds_the_grams():
    assert words("政务服务和大数据管理局") == ["政务", "服务", "和", "大", "数据", "管理", "管理局"]
    # Every two Chinese characters in a row that jieba's words do not already hold.
    assert tokens("政务服务和大数据管理局").split() == [
        *["政务", "服务", "和", "大", "数据", "管理", "管理局"],
        *["务服", "务和", "和大", "大数", "据管", "理局"],
    ]


def test_grams_are_chinese_bigrams_and_ascii_trigrams():
    assert grams("律师事务所") == ["律师", "师事", "事务", "务所"]
    assert grams("rsj-2023 ab 数 oa系统") == ["系统", "rsj", "202", "023"]
    assert grams("数据 数据") == ["数据"]


def test_tokens_are_simplified():
    assert tokens("財政局") == tokens("财政局") == "财政 政局 财政局"


def test_ascii_words_and_codes_stay_whole_beside_their_trigrams():
    assert tokens("示例县OA系统 330122") == "示例 县 oa 系统 330122 例县 330 301 012 122"
    assert tokens("IPv6改造") == "ipv6 改造 ipv pv6"


def test_punctuation_and_whitespace_are_dropped():
    assert tokens("（ＯＡ）系统，v2.0；x_y  \n") == "oa 系统 v2 0 x y"
    assert tokens("！？。，、“”") == ""
    assert query_tokens("！？。，,.;*\"'&|") == []
    assert query_tokens("   ") == []


def test_query_is_chinese_bigrams_and_whole_words_the_last_a_prefix():
    assert query_tokens("数据管理") == ["数据", "据管", "管理"]
    assert query_tokens("財政局") == ["财政", "政局"]
    assert query_tokens("管理局 管理局") == ["管理", "理局"]
    assert query_tokens("330122 OA") == ["330122", "oa*"]
    assert query_tokens("OA系统") == ["oa", "系统"]
    # One Chinese character is the start of a bigram (or a word of its own).
    assert query_tokens("示例县 财") == ["示例", "例县", "财*"]


def test_parts_of_words_are_in_the_index_whatever_jieba_cut():
    # jieba cuts 律师事务所 as one word and 律师 / 事务 / 事务所 inside it; 师事务 is none of them.
    for query in ["律师事务", "师事务", "事务所", "律师事务所"]:
        assert set(query_tokens(query)) <= set(tokens("示例律师事务所").split())
    assert set(query_tokens("浙政钉")) <= set(tokens("使用浙政钉办公").split())


def test_query_terms_expand_aliases():
    (term,) = query_terms("人社局")
    assert term.alternatives[0] == ("人社", "社局")
    assert ("人力", "力资", "资源", "源和", "和社", "社会", "会保", "保障", "障局") in term.alternatives
    # And back: the full name finds the abbreviation.
    (term,) = query_terms("人力资源和社会保障局")
    assert ("人社", "社局") in term.alternatives
    # Inside a longer word, and in traditional characters.
    county, term = query_terms("县人社局")
    assert county == Term((("县*",),)) and ("人社", "社局") in term.alternatives
    assert ("发展", "展和", "和改", "改革", "革局") in query_terms("發改委")[0].alternatives


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
    assert [" ".join(words(normalise(text))) for text in texts] == [whole_text_tokens(text) for text in texts]
