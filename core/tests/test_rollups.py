"""The write path's marks (core.rollups.note, called by the audit's append) and the write generation (core.figures):
what a write marks, what a read does not, what a rollback leaves, and what reference data asks for."""

import pytest
from django.db import transaction

from core import audit, figures, rollups, testing
from core.choices import AuditAction
from core.models import RollupMark, Unit


def entry(action, path="", object_type="core.unit", **fields):
    return audit.Entry(action=action, object_type=object_type, unit_path=path, **fields)


@pytest.fixture
def tree(db):
    return testing.build_tree()


def test_a_write_marks_its_unit_and_moves_the_generation(tree):
    before = figures.generation()
    audit.append(entry(AuditAction.UPDATE, tree.dept_a.path))
    assert set(RollupMark.objects.values_list("unit_path", flat=True)) >= {tree.dept_a.path}
    assert figures.generation()[1] == before[1] + 1


@pytest.mark.parametrize("action", [AuditAction.DENIED, AuditAction.EXPORT, AuditAction.LOGIN, AuditAction.LOGOUT])
def test_a_read_marks_nothing_and_keeps_the_generation(tree, action):
    RollupMark.objects.all().delete()
    before = figures.generation()
    audit.append(entry(action, tree.dept_a.path))
    assert not RollupMark.objects.exists()
    assert figures.generation() == before


def test_a_moved_record_marks_the_unit_it_left(tree):
    RollupMark.objects.all().delete()
    changes = {"owner_unit": [tree.dept_a.pk, tree.dept_b.pk], "name": ["旧名", "新名"]}
    audit.append(entry(AuditAction.UPDATE, tree.dept_b.path, "inventory.system", changes=changes))
    assert set(RollupMark.objects.values_list("unit_path", flat=True)) == {tree.dept_a.path, tree.dept_b.path}


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_marks_nothing():
    tree = testing.build_tree()
    RollupMark.objects.all().delete()
    before = figures.generation()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.append(entry(AuditAction.CREATE, tree.dept_a.path))
        raise RuntimeError
    assert not RollupMark.objects.exists()
    assert figures.generation() == before


def test_reference_data_asks_for_a_recount_of_everything(tree, django_capture_on_commit_callbacks, monkeypatch):
    asked = []
    monkeypatch.setattr(rollups.tasks, "enqueue_once", lambda task, *a, **k: asked.append(task))
    audit.append(entry(AuditAction.UPDATE, object_type="core.calendaryear"))
    assert rollups.recount_everything in asked
    asked.clear()
    audit.append(entry(AuditAction.UPDATE, tree.dept_a.path))
    assert rollups.recount_everything not in asked


def test_sums_are_the_rows_summed_by_the_database_within_the_scope(tree, monkeypatch):
    """``sums`` adds the counts of the rows the user may see, nested keys included; a key no row has is 0."""
    data = {
        tree.dept_a.pk: {"n": 2, "trend": {"2026-05": 1}},
        tree.sub_a.pk: {"n": 3, "trend": {"2026-05": 4, "2026-06": 1}},
        tree.dept_b.pk: {"n": 100},  # another county: outside the user's scope
    }
    monkeypatch.setitem(rollups.KINDS, "test.units", rollups.Kind("test.units", Unit, lambda ids, today: data))
    rollups.rebuild()
    user = testing.make_user("cio_a", "cio", tree.county_a)
    keys = ("n", ("trend", "2026-05"), ("trend", "2026-06"), "absent")
    assert rollups.sums(user, "test.units", keys) == {
        "n": 5,
        ("trend", "2026-05"): 5,
        ("trend", "2026-06"): 1,
        "absent": 0,
    }
    assert rollups.sums(user, "test.units", ["n"], unit=tree.sub_a) == {"n": 3}
    outsider = testing.make_user("nobody")
    assert rollups.sums(outsider, "test.units", ["n"]) == {"n": 0}
