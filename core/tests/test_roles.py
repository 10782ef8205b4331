"""Roles as data, the three-administrator separation, and the rules of granting."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from core import gate
from core.models import AuditRecord, Role, RoleAssignment, Unit
from core.roles import ADMIN_ROLES, load_roles
from core.services.roles import role_assign
from core.testing import build_tree, make_user


@pytest.fixture
def tree(db):
    return build_tree()


def test_builtin_roles_synced(db):
    assert set(Role.objects.values_list("code", flat=True)) == {
        "cio",
        "liaison",
        "leader",
        "expert",
        "staff",
        "sysadmin",
        "secadmin",
        "auditadmin",
    }
    assert set(Role.objects.filter(admin_role=True).values_list("code", flat=True)) == set(ADMIN_ROLES)


def test_role_file_validates(db):
    assert "cio" in load_roles()


def perms(role):
    return {(m, a) for m, a in Role.objects.get(code=role).permissions.values_list("model", "action")}


def test_sysadmin_cannot_read_audit_or_grant_roles(db):
    p = perms("sysadmin")
    assert not any(m == "core.auditrecord" for m, _a in p)
    assert not any(m == "core.roleassignment" and a != "view" for m, a in p)
    assert ("accounts.user", "add") in p and ("core.unit", "add") in p


def test_secadmin_cannot_manage_users_or_audit(db):
    p = perms("secadmin")
    assert not any(m == "accounts.user" and a != "view" for m, a in p)
    assert not any(m == "core.auditrecord" for m, _a in p)
    assert ("core.roleassignment", "add") in p


def test_auditadmin_changes_nothing(db):
    p = perms("auditadmin")
    assert all(a in {"view", "verify", "export"} for _m, a in p)
    assert ("core.auditrecord", "verify") in p


def test_leader_is_read_only(db):
    assert all(a in {"view", "export"} for _m, a in perms("leader"))


def test_admin_roles_are_exclusive(tree):
    sec = make_user("sec", "secadmin", tree.county_a)
    target = make_user("t", "sysadmin", tree.county_a)
    with pytest.raises(ValidationError):
        role_assign(actor=sec, user=target, role=Role.objects.get(code="auditadmin"), unit=tree.county_a)


def test_no_self_grant(tree):
    sec = make_user("sec", "secadmin", tree.county_a)
    with pytest.raises(ValidationError):
        role_assign(actor=sec, user=sec, role=Role.objects.get(code="cio"), unit=tree.county_a)


def test_no_grant_outside_scope(tree):
    sec = make_user("sec", "secadmin", tree.county_a)
    target = make_user("t", None, tree.county_b)
    with pytest.raises(ValidationError):
        role_assign(actor=sec, user=target, role=Role.objects.get(code="cio"), unit=tree.county_b)


def test_no_subtree_grant_from_unit_only_grant(tree):
    sec = make_user("sec", "secadmin", tree.dept_a, subtree=False)
    target = make_user("t", None, tree.dept_a)
    with pytest.raises(ValidationError):
        role_assign(
            actor=sec, user=target, role=Role.objects.get(code="liaison"), unit=tree.dept_a, include_descendants=True
        )
    role_assign(
        actor=sec, user=target, role=Role.objects.get(code="liaison"), unit=tree.dept_a, include_descendants=False
    )


def test_nobody_grants_more_than_they_hold(tree):
    """A grantor who is not the security administrator may grant only roles within their own permissions."""
    custom = Role.objects.create(code="deputy", name="Deputy")
    custom.permissions.create(model="core.roleassignment", action="add")
    custom.permissions.create(model="core.unit", action="view")
    custom.permissions.create(model="accounts.user", action="view")
    deputy = make_user("deputy", None, tree.county_a)
    RoleAssignment.objects.create(user=deputy, role=custom, unit=tree.county_a)
    target = make_user("t", None, tree.county_a)
    with pytest.raises(ValidationError):
        role_assign(actor=deputy, user=target, role=Role.objects.get(code="cio"), unit=tree.county_a)
    role_assign(actor=deputy, user=target, role=Role.objects.get(code="staff"), unit=tree.county_a)


def test_grant_takes_effect_and_is_audited(tree):
    sec = make_user("sec", "secadmin", tree.county_a)
    target = make_user("t", None, tree.county_a)
    assert Unit.objects.restrict(target).count() == 0
    role_assign(actor=sec, user=target, role=Role.objects.get(code="cio"), unit=tree.county_a)
    target = User.objects.get(pk=target.pk)
    assert Unit.objects.restrict(target).count() == 4
    assert AuditRecord.objects.filter(event="role.granted", category="security").exists()
    assert gate.has_perm(target, Unit, "add")
