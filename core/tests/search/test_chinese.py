"""Parts of words, aliases and title ranking, on whichever database the tests run (SQLite FTS5, PostgreSQL)."""

import pytest

from core.models import Unit
from core.search import autocomplete, registry, search

from .conftest import make_unit, make_user, titles


@pytest.fixture
def units(tree):
    """Units of both counties whose names use full names, abbreviations and terms."""
    county, other = tree["county"], tree["other"]
    made = {
        "law": make_unit("示例律师事务所", "330122101", "00010101", county),
        "hr": make_unit("示例县人力资源和社会保障局", "330122102", "00010102", county),
        "ndrc": make_unit("示例县发展和改革局", "330122103", "00010103", county),
        "mlps": make_unit("网络安全等级保护测评中心", "330122104", "00010104", county),
        "crypto": make_unit("商用密码应用安全性评估工作组", "330122105", "00010105", county),
        "other_hr": make_unit("另一县人社局", "330127102", "00020102", other),
        "other_ndrc": make_unit("另一县发改委", "330127103", "00020103", other),
        "other_mlps": make_unit("另一县等保办", "330127104", "00020104", other),
        "other_crypto": make_unit("另一县密评办", "330127105", "00020105", other),
        "other_law": make_unit("另一律师事务所", "330127106", "00020106", other),
    }
    registry.index_many(Unit.objects.filter(pk__in=[unit.pk for unit in made.values()]))
    return made


@pytest.fixture
def other_cio(tree):
    return make_user("other_cio", tree["other"])


@pytest.mark.parametrize("q", ["律师事务", "师事务", "事务所", "律师事务所", "律师"])
def test_parts_of_words(cio, units, q):
    assert titles(search(cio, q)) == ["示例律师事务所"]
    assert [title for _pk, title in autocomplete(cio, Unit, q)] == ["示例律师事务所"]


def test_parts_of_words_across_jieba_words(cio, units):
    # jieba cuts 社会/保障/局 and 和/社会; neither 会保 nor 和社会保 is one of its words.
    assert titles(search(cio, "和社会保")) == ["示例县人力资源和社会保障局"]
    assert titles(search(cio, "改革局")) == ["示例县发展和改革局"]
    assert titles(search(cio, "保护测")) == ["网络安全等级保护测评中心"]


def test_parts_of_a_code_start_a_word(cio, units):
    assert titles(search(cio, "33012210")) == [
        "商用密码应用安全性评估工作组",
        "示例县人力资源和社会保障局",
        "示例县发展和改革局",
        "示例律师事务所",
        "网络安全等级保护测评中心",
    ]


@pytest.mark.parametrize(
    ("q", "ours", "theirs"),
    [
        ("人社局", "示例县人力资源和社会保障局", "另一县人社局"),
        ("人力资源和社会保障局", "示例县人力资源和社会保障局", "另一县人社局"),
        ("發改委", "示例县发展和改革局", "另一县发改委"),
        ("发展和改革委员会", "示例县发展和改革局", "另一县发改委"),
        ("等保", "网络安全等级保护测评中心", "另一县等保办"),
        ("等级保护", "网络安全等级保护测评中心", "另一县等保办"),
        ("密评", "商用密码应用安全性评估工作组", "另一县密评办"),
        ("商用密码应用安全性评估", "商用密码应用安全性评估工作组", "另一县密评办"),
    ],
)
def test_aliases_both_ways_and_only_in_scope(cio, other_cio, units, q, ours, theirs):
    """Each name finds its abbreviation and back; the other county's unit never appears to this county's CIO."""
    assert titles(search(cio, q)) == [ours]
    assert titles(search(other_cio, q)) == [theirs]
    assert [title for _pk, title in autocomplete(cio, Unit, q)] == [ours]


def test_an_alias_inside_a_longer_query(cio, units):
    assert titles(search(cio, "示例县人社局")) == ["示例县人力资源和社会保障局"]
    assert titles(search(cio, "等保测评")) == ["网络安全等级保护测评中心"]
    assert search(cio, "人社局 财政") == []  # the other words must still match


def test_exact_title_first_then_prefix_then_the_rest(cio, tree, units):
    extra = [
        make_unit("示例县数据中心", "330122201", "00010201", tree["county"]),
        make_unit("数据", "330122202", "00010202", tree["county"]),
        make_unit("数据资源科", "330122203", "00010203", tree["county"]),
    ]
    registry.index_many(extra)
    (group,) = search(cio, "数据")
    # "数据" is the title; "数据资源科" starts with it; the rest by relevance and title.
    assert [hit.title for hit in group.hits] == ["数据", "数据资源科", "示例县数据中心", "政务服务和大数据管理局"]
    assert [title for _pk, title in autocomplete(cio, Unit, "数据")][:2] == ["数据", "数据资源科"]
    # Ignoring case, and in traditional characters.
    (group,) = search(cio, "數據")
    assert group.hits[0].title == "数据"
    assert [hit.title for hit in search(cio, "oa")[0].hits] == ["示例县"]
