"""Forms offer units and systems through the gate: ``restrict(user, action, grants_of=Model)`` gives the records that
sit where the user may ``action`` records of ``Model`` (the units where they may add systems, the systems they may
record findings on), and ``GovModelForm.limit_choices`` puts that on a field. A posted id outside it — a unit the user
can see but may not add records in, or one they cannot see at all — is the field's error, on every form that used
the hand-built unit filter before."""

import datetime as dt

import pytest
from django.utils import translation

from core.forms import units_where
from core.models import Unit
from core.testing import build_tree, grant, make_user
from inventory.forms import LinkForm, SystemForm
from inventory.models import Link, System
from inventory.tests.factories import new_system
from security.forms.assessments import AssessmentForm
from security.forms.findings import FindingForm
from security.forms.policy import SecurityPolicyForm
from security.forms.scanner import ScanUploadForm
from security.models import Assessment, Finding, SecurityPolicy

INVALID = "Select a valid choice"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def tree(db):
    return build_tree()


@pytest.fixture
def user(tree):
    """Reads all of county A (leader), records systems, links, findings and assessments in dept A alone (liaison),
    and sets security policies in county B (CIO)."""
    user = make_user("chooser", "leader", tree.county_a)
    grant(user, "liaison", tree.dept_a, subtree=False)
    grant(user, "cio", tree.county_b)
    return user


def test_units_where_the_user_may_act_come_from_the_gate(tree, user):
    assert set(Unit.objects.restrict(user, "view")) == {
        tree.county_a,
        tree.dept_a,
        tree.sub_a,
        tree.township_a,
        tree.county_b,
        tree.dept_b,
    }
    assert list(units_where(user, "add", System)) == [tree.dept_a, tree.county_b, tree.dept_b]
    assert list(units_where(user, "add", SecurityPolicy)) == [tree.county_b, tree.dept_b]
    assert list(units_where(user, "delete", System)) == [tree.county_b, tree.dept_b]
    nobody = make_user("nobody", None, tree.county_a)
    assert list(units_where(nobody, "add", System)) == []


def test_grants_of_lays_another_models_grants_on_this_models_scope_path(tree, user):
    own, township, other = new_system(tree.dept_a), new_system(tree.township_a), new_system(tree.dept_b)
    visible = System.objects.restrict(user, "view")
    assert set(visible) == {own, township, other}
    assert set(visible.restrict(user, "add", grants_of=Finding)) == {own, other}
    assert set(visible.restrict(user, "add", grants_of=Link)) == {own, other}
    assert set(visible.restrict(user, "verify", grants_of=Finding)) == {own, other}
    assert list(visible.restrict(user, "approve", grants_of=Finding)) == []


def system_data(unit) -> dict:
    return {
        "name": "选择测试系统",
        "code": "XZ-001",
        "owner_unit": unit.pk,
        "status": "running",
        "user_scope": "public",
    }


@pytest.mark.parametrize("where", ["township_a", "county_a", "sub_a"])
def test_a_system_in_a_unit_seen_but_not_managed_is_the_fields_error(tree, user, where):
    form = SystemForm(data=system_data(getattr(tree, where)), instance=System(), user=user)
    assert not form.is_valid()
    assert INVALID in " ".join(form.errors["owner_unit"])


def test_a_system_in_a_managed_unit_is_accepted(tree, user):
    form = SystemForm(data=system_data(tree.dept_a), instance=System(), user=user)
    assert form.is_valid(), form.errors
    assert set(form.fields["owner_unit"].queryset) == {tree.dept_a, tree.county_b, tree.dept_b}


def test_a_unit_out_of_sight_is_the_fields_error(tree):
    liaison = make_user("liaison_only", "liaison", tree.dept_a, subtree=False)
    form = SystemForm(data=system_data(tree.dept_b), instance=System(), user=liaison)
    assert not form.is_valid()
    assert INVALID in " ".join(form.errors["owner_unit"])


def test_a_link_from_a_system_seen_but_not_managed_is_the_fields_error(tree, user):
    seen, own = new_system(tree.township_a), new_system(tree.dept_a)
    data = {"from_system": seen.pk, "to_system": own.pk, "direction": "one_way", "method": "api"}
    form = LinkForm(data=data, instance=Link(), user=user)
    assert not form.is_valid()
    assert INVALID in " ".join(form.errors["from_system"])
    assert own in form.fields["from_system"].queryset and seen not in form.fields["from_system"].queryset


def test_a_finding_on_a_system_seen_but_not_managed_is_the_fields_error(tree, user):
    seen = new_system(tree.township_a)
    data = {"system": seen.pk, "title": "弱口令", "severity": "high", "source": "scan", "found_on": "2026-03-02"}
    form = FindingForm(data=data, instance=Finding(), user=user)
    assert not form.is_valid()
    assert INVALID in " ".join(form.errors["system"])


def test_an_assessment_of_a_system_seen_but_not_managed_is_the_fields_error(tree, user):
    seen = new_system(tree.township_a)
    data = {"system": seen.pk, "kind": "assessment", "level": 2, "assessed_on": dt.date(2026, 3, 2).isoformat()}
    form = AssessmentForm(data=data, instance=Assessment(), user=user)
    assert not form.is_valid()
    assert INVALID in " ".join(form.errors["system"])


def test_a_policy_for_a_government_seen_but_not_managed_is_the_fields_error(tree, user):
    form = SecurityPolicyForm(data={"unit": tree.county_a.pk}, instance=SecurityPolicy(), user=user)
    assert not form.is_valid()
    assert INVALID in " ".join(form.errors["unit"])
    assert list(form.fields["unit"].queryset) == [tree.county_b]


def test_a_scan_of_a_system_seen_but_not_importable_is_the_fields_error(tree, user):
    seen, own = new_system(tree.township_a), new_system(tree.dept_a)
    form = ScanUploadForm(data={"system": seen.pk}, user=user)
    assert not form.is_valid()
    assert INVALID in " ".join(form.errors["system"])
    assert list(form.fields["system"].queryset) == [own]
