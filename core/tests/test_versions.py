"""Versions read off the audit chain: they move with every audited change of their type and only then, a rolled-back
change leaves the version as it was, and ``remember`` computes again exactly when a version moved."""

import pytest
from django.db import transaction

from core import audit, versions
from core.models import Unit
from core.services import object_create, object_update, snapshot


def unit(name: str, code: str, path: str) -> Unit:
    return object_create(obj=Unit(name=name, code=code, kind="county", path=path, depth=1), actor=None)


def new_subunit(parent) -> Unit:
    """A unit created as the pages create one: audited."""
    return object_create(
        obj=Unit(
            name="甲县新设中心",
            code="990001-XS",
            kind="subunit",
            parent=parent,
            path=parent.path + "0009",
            depth=parent.depth + 1,
        ),
        actor=None,
    )


@pytest.mark.django_db
def test_a_change_moves_its_own_type_only():
    before = versions.versions(["core.unit", "inventory.system"])
    first = unit("示例县", "330199", "Z001")
    after = versions.versions(["core.unit", "inventory.system"])
    assert after[0] != before[0]
    assert after[1] == before[1]
    old = snapshot(first)
    first.name = "示例县（新）"
    object_update(obj=first, actor=None, before=old)
    assert versions.versions(["core.unit"])[0] != after[0]


@pytest.mark.django_db
def test_events_of_other_types_leave_it_alone():
    unit("示例县", "330199", "Z001")
    before = versions.versions(["core.unit"])
    audit.append(audit.Entry(action="event", event="login", object_type="accounts.user", object_id="1"))
    assert versions.versions(["core.unit"]) == before


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_leaves_the_version():
    before = versions.versions(["core.unit"])
    with pytest.raises(RuntimeError), transaction.atomic():
        unit("回滚县", "330198", "Z002")
        assert versions.versions(["core.unit"]) != before  # seen inside its own transaction
        raise RuntimeError
    assert versions.versions(["core.unit"]) == before


@pytest.mark.django_db
def test_remember_computes_again_after_a_change():
    calls = []

    def count():
        calls.append(1)
        return Unit.objects.count()

    assert versions.remember("units", "all", ["core.unit"], count) == 0
    assert versions.remember("units", "all", ["core.unit"], count) == 0
    assert len(calls) == 1
    unit("示例县", "330199", "Z001")
    assert versions.remember("units", "all", ["core.unit"], count) == 1
    assert versions.remember("units", "other key", ["core.unit"], count) == 1
    assert len(calls) == 3


def test_no_types_no_query():
    assert versions.versions([]) == ()


def test_labels_are_the_tables_a_query_reads():
    from inventory.models import Link, ServiceItem

    scoped = Link.objects.filter(from_system__owner_unit__path__gte="0001")
    assert versions.labels_of_query(scoped) == ["core.unit", "inventory.link", "inventory.system"]
    # an automatic many-to-many table stands for both models it joins
    delivered = ServiceItem.objects.filter(systems__name="政务服务网")
    assert versions.labels_of_query(delivered) == ["inventory.serviceitem", "inventory.system"]


@pytest.mark.django_db
def test_subtree_counts_follow_changes():
    from core import testing

    tree = testing.build_tree()
    cio = testing.make_user("cio_versions", "cio", tree.county_a)
    before = versions.subtree_count(cio, Unit, "path", tree.county_a.path)
    assert before == Unit.objects.filter(path__startswith=tree.county_a.path).count()
    new_subunit(tree.dept_a)
    assert versions.subtree_count(cio, Unit, "path", tree.county_a.path) == before + 1
    assert versions.subtree_count(cio, Unit, "path", tree.county_b.path) == 0  # outside the scope: none counted


@pytest.mark.django_db
def test_list_totals_follow_changes(client):
    from django.urls import reverse

    from core import testing

    tree = testing.build_tree()
    cio = testing.make_user("cio_list_versions", "cio", tree.county_a)
    client.force_login(cio)

    def total():
        return client.get(reverse("core:unit_list")).context["page"].paginator.count

    before = total()
    assert total() == before  # remembered
    new_subunit(tree.dept_a)
    assert total() == before + 1


@pytest.mark.django_db
def test_home_cards_follow_changes(client):
    from core import testing
    from inventory.models import System

    tree = testing.build_tree()
    cio = testing.make_user("cio_home_versions", "cio", tree.county_a)
    client.force_login(cio)

    def systems():
        cards = client.get("/").context["cards"]
        return next(card for card in cards if card["template"] == "inventory/analysis_home_card.html")["systems"]

    assert systems() == 0
    object_create(obj=System(name="甲县政务服务网", code="XT-HOME-1", owner_unit=tree.dept_a), actor=None)
    assert systems() == 1


def test_querysets_the_gate_shuts_have_no_sql_and_nothing_in_them():
    empty = Unit.objects.none()
    assert versions.query_key(empty) == ("default", None, ())
    assert versions.labels_of_query(empty) == []
    assert versions.count(empty) == 0
    assert versions.rows(empty) == []
