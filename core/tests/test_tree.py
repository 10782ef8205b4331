import pytest
from django.core.exceptions import ValidationError

from core.models import Unit
from core.services.units import unit_move
from core.testing import build_tree, make_unit, make_user
from core.tree import segment, segment_number, subtree_q, succ


def test_segment_roundtrip():
    for n in (1, 35, 36, 1295, 46655, 1_679_615):
        assert segment_number(segment(n)) == n
    assert segment(1) == "0001" and segment(36) == "0010"


def test_succ_carries():
    assert succ("0001") == "0002"
    assert succ("000Z") == "001"
    assert succ("ZZZZ") is None
    assert succ("0001") > "0001ZZZZ" and succ("0001") <= "0002"


@pytest.mark.django_db
def test_subtree_is_one_range_query(django_assert_num_queries):
    tree = build_tree()
    with django_assert_num_queries(1):
        names = set(Unit.objects.filter(subtree_q("path", tree.county_a.path)).values_list("name", flat=True))
    assert names == {"甲县", "甲县财政局", "甲县国库支付中心", "甲县城关镇"}


@pytest.mark.django_db
def test_paths_follow_parents():
    tree = build_tree()
    for unit in Unit.objects.all():
        if unit.parent:
            assert unit.path.startswith(unit.parent.path)
            assert unit.depth == unit.parent.depth + 1
    assert tree.county_b.path == "0002"


@pytest.mark.django_db
def test_placement_rules():
    tree = build_tree()
    with pytest.raises(ValidationError):
        make_unit("错位乡", "990009001", "township", tree.dept_a)
    with pytest.raises(ValidationError):
        make_unit("无上级部门", "990009-X", "department", None)


@pytest.mark.django_db
def test_move_subtree_rewrites_paths_and_audits():
    from core.models import AuditRecord

    tree = build_tree()
    admin = make_user("mover", "sysadmin", tree.county_a)
    make_user("mover_b", None, tree.county_b)
    from core.testing import grant

    grant(admin, "sysadmin", tree.county_b)
    moved = unit_move(actor=admin, unit=tree.dept_a, new_parent=tree.county_b)
    assert moved.path.startswith(tree.county_b.path)
    sub = Unit.objects.get(pk=tree.sub_a.pk)
    assert sub.path.startswith(moved.path) and sub.depth == 3
    record = AuditRecord.objects.filter(event="unit.moved").get()
    assert record.changes["units_moved"] == 2


@pytest.mark.django_db
def test_move_under_own_descendant_refused():
    tree = build_tree()
    admin = make_user("mover2", "sysadmin", tree.county_a)
    with pytest.raises(ValidationError):
        unit_move(actor=admin, unit=tree.dept_a, new_parent=tree.sub_a)


@pytest.mark.django_db
def test_move_outside_scope_refused():
    tree = build_tree()
    admin = make_user("mover3", "sysadmin", tree.county_a)
    with pytest.raises(ValidationError):
        unit_move(actor=admin, unit=tree.dept_a, new_parent=tree.county_b)
    assert Unit.objects.get(pk=tree.dept_a.pk).parent_id == tree.county_a.pk


@pytest.mark.django_db
def test_delete_refused_with_reason_when_children_exist(client):
    from django.urls import reverse

    tree = build_tree()
    client.force_login(make_user("del", "cio", tree.county_a))
    response = client.post(reverse("core:unit_delete", args=[tree.dept_a.pk]), follow=True)
    assert Unit.objects.filter(pk=tree.dept_a.pk).exists()
    messages = [str(m) for m in response.context["messages"]]
    assert any("单位" in m or "unit" in m for m in messages), messages


def test_idle_timeout_and_session_settings(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_HTTPONLY
