import pytest

from core.search import aliases as aliases_module
from core.search.aliases import ALIASES_FILE, AliasDataError, Aliases, load, parse


def test_the_shipped_file_loads_and_holds_the_common_abbreviations():
    groups = load([ALIASES_FILE])
    group_of = Aliases(groups).group_of
    assert "人力资源和社会保障局" in group_of["人社局"]
    assert {"发展和改革局", "发展和改革委员会"} <= set(group_of["发改委"])
    assert "等级保护" in group_of["等保"]
    assert "商用密码应用安全性评估" in group_of["密评"]


def test_members_are_normalised():
    groups = parse("groups:\n  - [發改委, 发展和改革局]\n  - [OA, 办公自动化]\n")
    assert groups == [("发改委", "发展和改革局"), ("oa", "办公自动化")]


def test_every_problem_is_listed():
    text = "groups:\n  - [人社局]\n  - [等保, '']\n  - [等保, 等级保护]\n  - 等保\n  - [x, " + "长" * 65 + "]\n"
    with pytest.raises(AliasDataError) as error:
        parse(text, "aliases.yaml")
    message = str(error.value)
    assert message.startswith("aliases.yaml: ")
    for problem in ["group 1: a list", "group 2: '' is not a name", "group 3: '等保' is already in group 2", "group 4"]:
        assert problem in message
    assert "group 5: '长" in message


@pytest.mark.parametrize("text", ["", "groups: 3", "- [a, b]", "groups: [a, b", "version: 1"])
def test_a_file_of_the_wrong_shape_is_refused(text):
    with pytest.raises(AliasDataError):
        parse(text)


def test_a_name_in_two_files_is_refused(tmp_path):
    local = tmp_path / "local.yaml"
    local.write_text("groups:\n  - [人社局, 人社]\n", encoding="utf-8")
    with pytest.raises(AliasDataError, match="人社局"):
        load([ALIASES_FILE, local])


def test_a_local_file_adds_groups(tmp_path, settings):
    local = tmp_path / "local.yaml"
    local.write_text("groups:\n  - [浙政钉, 浙江政务钉钉]\n", encoding="utf-8")
    settings.GOVCIO_SEARCH_ALIASES_FILE = str(local)
    aliases_module.aliases.cache_clear()
    try:
        assert aliases_module.aliases().group_of["浙政钉"] == ("浙政钉", "浙江政务钉钉")
    finally:
        aliases_module.aliases.cache_clear()


def test_ascii_members_match_whole_words_only():
    found = Aliases([("oa", "办公自动化")])
    assert found.split("oa系统") == [("oa", ("oa", "办公自动化")), ("系统", None)]
    assert found.split("goal") == [("goal", None)]
