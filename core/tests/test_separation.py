"""三员分立: an administrator (sysadmin, secadmin, auditadmin) holds no other role, and a holder of a business role
gets no administrator role - in the service, on the page, in the API, on the console, and reported for old data."""

import importlib
import io
import logging
import sys

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from core.models import Role, RoleAssignment
from core.services.roles import role_assign, role_separation_violations
from core.testing import build_tree, grant, make_user


@pytest.fixture
def tree(db):
    return build_tree()


@pytest.fixture
def sec(tree):
    return make_user("sec", "secadmin", tree.county_a)


def role(code):
    return Role.objects.get(code=code)


@pytest.mark.parametrize(
    "holder,granted",
    [
        ("auditadmin", "cio"),
        ("sysadmin", "cio"),
        ("sysadmin", "staff"),
        ("cio", "auditadmin"),
        ("liaison", "sysadmin"),
        ("leader", "secadmin"),
        ("sysadmin", "auditadmin"),
    ],
)
def test_service_refuses_both_directions(tree, sec, holder, granted):
    target = make_user("t", holder, tree.county_a)
    with pytest.raises(ValidationError) as caught:
        role_assign(actor=sec, user=target, role=role(granted), unit=tree.dept_a)
    assert "role" in caught.value.message_dict
    assert list(RoleAssignment.objects.filter(user=target).values_list("role__code", flat=True)) == [holder]


def test_allowed_combinations(tree, sec):
    target = make_user("t", "cio", tree.county_a)
    role_assign(actor=sec, user=target, role=role("leader"), unit=tree.dept_a)
    admin = make_user("a", "sysadmin", tree.county_a, subtree=False)
    role_assign(actor=sec, user=admin, role=role("sysadmin"), unit=tree.township_a)  # the same role elsewhere
    fresh = make_user("f", None, tree.county_a)
    role_assign(actor=sec, user=fresh, role=role("auditadmin"), unit=tree.county_a)


def test_audit_administrator_with_cio_cannot_be_made_and_so_creates_nothing(tree, sec):
    """The probe: the audit administrator was made CIO and then created a system."""
    auditor = make_user("aud", "auditadmin", tree.county_a)
    with pytest.raises(ValidationError):
        role_assign(actor=sec, user=auditor, role=role("cio"), unit=tree.county_a)
    from core import gate
    from inventory.models import System

    assert not gate.has_perm(User.objects.get(pk=auditor.pk), System, "add")


def test_page_refuses_with_a_message(tree, sec, client):
    target = make_user("t", "auditadmin", tree.county_a)
    client.force_login(sec)
    response = client.post(
        reverse("core:roleassignment_add"),
        {"user": target.pk, "role": role("cio").pk, "unit": tree.county_a.pk, "include_descendants": "on"},
    )
    assert response.status_code == 400
    assert "三员" in response.content.decode() or "separated" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=target, role__code="cio").exists()


def test_api_refuses_with_a_message(tree, sec):
    target = make_user("t", "cio", tree.county_a)
    api = APIClient()
    api.force_authenticate(sec)
    response = api.post(
        reverse("api:roleassignment-list"),
        {"user": target.pk, "role": role("auditadmin").pk, "unit": tree.county_a.pk, "include_descendants": True},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "role" in response.json()
    assert not RoleAssignment.objects.filter(user=target, role__code="auditadmin").exists()


def run(*args, stdin=""):
    out = io.StringIO()
    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        call_command(*args, stdout=out)
    finally:
        sys.stdin = old
    return out.getvalue()


def test_console_refuses_an_administrator_with_another_role(tree):
    args = ["users_add", "mixed", "--role", "sysadmin", "--role", "cio", "--unit", "990001", "--password-stdin"]
    with pytest.raises(CommandError) as caught:
        run(*args, stdin="7Gq!mZt2#pLw\n")
    assert "separated" in str(caught.value) or "三员" in str(caught.value)
    assert not User.objects.filter(username="mixed").exists()  # nothing half-saved
    run(
        "users_add",
        "two",
        "--role",
        "cio",
        "--role",
        "leader",
        "--unit",
        "990001",
        "--password-stdin",
        stdin="7Gq!mZt2#pLw\n",
    )
    assert set(RoleAssignment.objects.filter(user__username="two").values_list("role__code", flat=True)) == {
        "cio",
        "leader",
    }


def test_existing_violations_are_reported_not_deleted(tree, caplog):
    auditor = make_user("aud", "auditadmin", tree.county_a)
    grant(auditor, "cio", tree.county_a)  # as an old database may hold
    make_user("ok", "cio", tree.county_a)
    assert [v.username for v in role_separation_violations()] == ["aud"]
    migration = importlib.import_module("core.migrations.0009_report_role_separation")
    with caplog.at_level(logging.WARNING):
        migration.report_violations(apps, None)
    assert "aud" in caplog.text and "auditadmin" in caplog.text and "cio" in caplog.text
    assert RoleAssignment.objects.filter(user=auditor).count() == 2
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("roles_check", stdout=out)
    assert out.getvalue().splitlines() == ["aud: auditadmin, cio"]
