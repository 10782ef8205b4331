import pytest

from core.models import Role, RoleAssignment, SearchEntry, Unit
from core.search import Group, Hit, autocomplete, registry, search

from .conftest import make_unit, make_user, titles


def test_finds_by_part_of_a_name(cio, tree):
    assert titles(search(cio, "大数据")) == ["政务服务和大数据管理局"]
    assert titles(search(cio, "数据管理")) == ["政务服务和大数据管理局"]
    assert titles(search(cio, "管理局")) == ["政务服务和大数据管理局"]


def test_traditional_input_finds_simplified_text(cio, tree):
    assert titles(search(cio, "資訊")) == ["示例县资讯中心"]
    assert titles(search(cio, "數據")) == ["政务服务和大数据管理局"]
    assert titles(search(cio, "財政局")) == ["示例县财政局"]


def test_traditional_text_is_found_by_simplified_input(cio, tree):
    unit = make_unit("臺灣資訊處", "330122009", "00010009", tree["county"])
    registry.index_object(unit)
    assert titles(search(cio, "台湾资讯")) == ["臺灣資訊處"]


def test_finds_by_code_and_ascii_short_name(cio, tree):
    assert titles(search(cio, "330122002")) == ["示例县财政局"]
    assert titles(search(cio, "oa")) == ["示例县"]
    assert titles(search(cio, "ＯＡ")) == ["示例县"]


def test_last_word_is_a_prefix(cio, tree):
    assert titles(search(cio, "33012200")) == ["政务服务和大数据管理局", "示例县财政局", "示例县资讯中心"]
    assert titles(search(cio, "示例县 财")) == ["示例县财政局"]
    # Only the last word: an earlier one must match whole.
    assert search(cio, "3301 示例县") == []


def test_all_words_must_match(cio, tree):
    assert titles(search(cio, "示例县 中心")) == ["示例县资讯中心"]
    assert search(cio, "财政 中心") == []


def test_groups_carry_label_type_total_and_hits(cio, tree):
    (group,) = search(cio, "示例县")
    assert isinstance(group, Group)
    assert group.label == str(Unit._meta.verbose_name_plural)
    assert group.object_type == "core.unit"
    assert group.total == 3
    hit = group.hits[0]
    assert isinstance(hit, Hit)
    assert (hit.object_type, hit.object_id, hit.url) == ("core.unit", tree["county"].pk, f"/units/{tree['county'].pk}/")


def test_limit_per_type_says_there_are_more_without_counting_them(cio, tree):
    (group,) = search(cio, "3301", limit_per_type=2)
    assert (group.total, group.more) == (2, True)
    assert len(group.hits) == 2
    (group,) = search(cio, "3301", limit_per_type=4)
    assert (group.total, group.more) == (4, False)


def test_relevance_then_title(cio, tree):
    make_unit("甲数据局", "330122010", "0001000A", tree["county"])
    make_unit("乙数据局", "330122011", "0001000B", tree["county"])
    registry.index_many(Unit.objects.filter(path__in=["0001000A", "0001000B"]))
    (group,) = search(cio, "数据")
    # A match in a shorter text ranks first; equal ones go by title.
    assert [hit.title for hit in group.hits] == ["乙数据局", "甲数据局", "政务服务和大数据管理局"]


def test_two_queries_for_any_number_of_types(cio, tree, django_assert_num_queries):
    registry.register(RoleAssignment, fields=["user__username", "unit__name"], url=lambda obj: "/")
    RoleAssignment.objects.create(user=cio, role=Role.objects.get(code="cio"), unit=tree["finance"])
    registry.index_many(RoleAssignment.objects.select_related("user", "unit"))
    search(cio, "财政")  # compiles and caches the user's grants
    # The entries of every type, then the gate on the hits of every type.
    with django_assert_num_queries(2):
        groups = search(cio, "财政")
    assert [group.object_type for group in groups] == ["core.unit", "core.roleassignment"]


def test_types_filter(cio, tree):
    assert titles(search(cio, "财政", types=["core.unit"])) == ["示例县财政局"]
    assert titles(search(cio, "财政", types=[Unit])) == ["示例县财政局"]
    assert search(cio, "财政", types=["accounts.user"]) == []
    assert search(cio, "财政", types=[]) == []


@pytest.mark.parametrize(
    "q", ["", "   ", "！？。，", '"', "'", "*", "&|!():*<>", "\\", "OR", "NEAR(a b)", "\x00", "\u0301", "😀", "_"]
)
def test_queries_without_usable_words_find_nothing_without_error(cio, tree, q):
    assert search(cio, q) == []
    assert autocomplete(cio, Unit, q) == []


def test_query_syntax_in_words_is_not_interpreted(cio, tree):
    assert titles(search(cio, '财政" OR "另一')) == []
    assert titles(search(cio, "财政:* | 另一")) == []
    assert titles(search(cio, "财政'&'政局")) == ["示例县财政局"]


# The gate


def test_scope_excludes_other_counties(cio, tree):
    assert titles(search(cio, "财政局")) == ["示例县财政局"]
    assert titles(search(cio, "大数据")) == ["政务服务和大数据管理局"]
    assert search(cio, "另一县") == []
    assert search(cio, "330127") == []


def test_other_county_sees_only_its_own(tree):
    user = make_user("other", tree["other"])
    assert titles(search(user, "财政局")) == ["另一县财政局"]
    assert titles(search(user, "县")) == ["另一县", "另一县大数据局", "另一县财政局"]


def test_department_scope(tree):
    user = make_user("liaison", tree["finance"], role="liaison")
    assert titles(search(user, "县")) == ["示例县财政局"]


def test_without_descendants_only_the_unit_itself(tree):
    user = make_user("narrow", tree["county"], include_descendants=False)
    assert titles(search(user, "示例县")) == ["示例县"]


def test_several_assignments_add_up(tree):
    user = make_user("both", tree["finance"], role="liaison")
    from core.models import Role, RoleAssignment

    RoleAssignment.objects.create(user=user, role=Role.objects.get(code="liaison"), unit=tree["other_data"])
    assert titles(search(user, "县")) == ["另一县大数据局", "示例县财政局"]


def test_user_without_roles_finds_nothing(tree):
    user = make_user("nobody")
    assert search(user, "财政局") == []
    assert autocomplete(user, Unit, "财政局") == []


def test_anonymous_and_inactive_users_find_nothing(tree):
    from django.contrib.auth.models import AnonymousUser

    assert search(AnonymousUser(), "财政局") == []
    user = make_user("gone", tree["county"])
    user.is_active = False
    assert search(user, "财政局") == []


def test_an_entry_filed_in_scope_for_an_object_outside_it_never_appears(cio, tree):
    """The entry's unit path is a copy; the object itself is checked at query time (a stale or forged entry)."""
    SearchEntry.objects.filter(object_type="core.unit", object_id=tree["other_finance"].pk).update(
        unit_path=tree["finance"].path, title="另一县财政局（旧）", tokens="另一 县 财政 政局 财政局 旧"
    )
    (group,) = search(cio, "财政")
    assert [hit.title for hit in group.hits] == ["示例县财政局"]
    assert (group.total, group.more) == (1, False)
    assert search(cio, "财政", limit_per_type=1)[0].more is False
    assert autocomplete(cio, Unit, "财政") == [(tree["finance"].pk, "示例县财政局")]
    assert search(cio, "旧") == []


def test_an_entry_whose_object_is_gone_never_appears(cio, tree):
    SearchEntry.objects.create(
        object_type="core.unit", object_id=999999, unit_path="0001", title="已撤销财政所", url="/x/", tokens="撤销 财政"
    )
    assert titles(search(cio, "财政")) == ["示例县财政局"]
    assert autocomplete(cio, Unit, "撤销") == []


def test_entries_outside_every_scope_never_appear(cio, tree):
    SearchEntry.objects.create(
        object_type="core.unit", object_id=999999, unit_path="", title="无主财政", url="/x/", tokens="无主 财政"
    )
    assert titles(search(cio, "财政")) == ["示例县财政局"]


def test_unregistered_types_are_not_searched(cio, tree):
    SearchEntry.objects.create(
        object_type="core.role", object_id=1, unit_path="0001", title="财政角色", url="/x/", tokens="财政 角色"
    )
    assert titles(search(cio, "财政")) == ["示例县财政局"]


# Autocomplete


def test_autocomplete_returns_pk_and_title_in_scope(cio, tree):
    assert autocomplete(cio, Unit, "财政") == [(tree["finance"].pk, "示例县财政局")]
    assert autocomplete(cio, Unit, "3301", limit=2) == [
        (tree["county"].pk, "示例县"),
        (tree["finance"].pk, "示例县财政局"),
    ]


def test_autocomplete_prefix_of_an_unfinished_code(cio, tree):
    # Ranked by how short the matching text is.
    assert [title for _, title in autocomplete(cio, Unit, "33012200")] == [
        "示例县财政局",
        "示例县资讯中心",
        "政务服务和大数据管理局",
    ]


def test_autocomplete_of_an_unregistered_model_is_empty(cio, tree):
    from core.models import Role

    assert autocomplete(cio, Role, "财政") == []
