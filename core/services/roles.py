"""Granting and revoking roles.

Rules (docs/permissions.md):
- the grantor needs ``core.roleassignment: add`` over the unit, and over its whole subtree when the grant includes
  subordinate units; nobody grants outside their own scope;
- nobody grants a role to themselves;
- only the security administrator grants roles whose permissions exceed the grantor's own; anyone else may grant
  only a role whose every permission they hold themselves;
- the three-administrator separation (三员分立): a user holding one of sysadmin, secadmin, auditadmin holds no other
  role, and a user holding any other role gets none of these. ``role_separation_check`` is the one place this is
  decided; the page, the API (``role_assign``) and the console (``role_assign_console``) all call it, with the
  user's row locked so that two grants at once cannot both pass.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from core import audit, gate
from core.choices import AuditAction, AuditCategory
from core.models import Role, RoleAssignment, RolePermission, Unit
from core.roles import ADMIN_ROLES
from core.services import object_create, object_delete


def is_admin_role(role: Role) -> bool:
    return role.admin_role or role.code in ADMIN_ROLES


@transaction.atomic
def role_separation_check(*, user, role: Role) -> None:
    """三员分立, in both directions. Locks the user's row first, so concurrent grants are checked one after the other.

    Raises ``ValidationError({"role": ...})``."""
    type(user).objects.select_for_update().filter(pk=user.pk).first()
    held = RoleAssignment.objects.filter(user=user).exclude(role=role).select_related("role").order_by("role__code")
    if is_admin_role(role):
        other = held.first()
        if other is not None:
            message = _(
                "The three administrators are separated: {user} already holds the role {held}, and an "
                "administrator may hold no other role."
            )
            raise ValidationError({"role": message.format(user=user, held=other.role)})
        return
    admin = held.filter(Q(role__admin_role=True) | Q(role__code__in=ADMIN_ROLES)).first()
    if admin is not None:
        message = _("The three administrators are separated: {user} is {held} and may hold no other role.")
        raise ValidationError({"role": message.format(user=user, held=admin.role)})


@dataclass
class Violation:
    username: str
    roles: list[str]


def role_separation_violations() -> list[Violation]:
    """Users who break the separation (granted before it was enforced in both directions), for the operator."""
    admin_q = Q(role__admin_role=True) | Q(role__code__in=ADMIN_ROLES)
    admins = RoleAssignment.objects.filter(admin_q).values("user_id")
    held: dict[str, set[str]] = {}
    rows = RoleAssignment.objects.filter(user_id__in=admins).values_list("user__username", "role__code")
    for username, code in rows.order_by("user__username", "role__code"):
        held.setdefault(username, set()).add(code)
    return [Violation(name, sorted(codes)) for name, codes in held.items() if len(codes) > 1]


@transaction.atomic
def role_assign_console(*, user, role: Role, unit: Unit, include_descendants: bool) -> RoleAssignment:
    """A grant from the operator's console (``govcio users add``, ``createadmin``): no grantor in the tree, so no
    scope rule, but the separation holds all the same."""
    role_separation_check(user=user, role=role)
    if RoleAssignment.objects.filter(user=user, role=role, unit=unit).exists():
        raise ValidationError({"role": _("This user already holds this role at this unit.")})
    assignment = RoleAssignment(user=user, role=role, unit=unit, include_descendants=include_descendants)
    object_create(obj=assignment, actor=None, event="role.granted.console")
    gate.forget(user)
    return assignment


def covers(actor, unit: Unit, include_descendants: bool) -> bool:
    for path, descendants in gate.unit_paths(actor, RoleAssignment, "add"):
        # A subtree grant needs a subtree grant of one's own above it.
        inside = unit.path == path or (descendants and unit.path.startswith(path))
        if inside and (not include_descendants or descendants):
            return True
    return False


def holds_role(user, code: str) -> bool:
    return RoleAssignment.objects.filter(user=user, role__code=code).exists()


def role_within_grants(actor, role: Role) -> bool:
    own = gate.grants(actor)
    for model, action in RolePermission.objects.filter(role=role).values_list("model", "action"):
        if not own.get(model, {}).get(action):
            return False
    return True


@transaction.atomic
def role_assign(*, actor, user, role: Role, unit: Unit, include_descendants: bool = True) -> RoleAssignment:
    if user.pk == actor.pk:
        raise ValidationError({"user": _("You cannot grant a role to yourself.")})
    if not covers(actor, unit, include_descendants):
        raise ValidationError({"unit": _("You may grant roles only within the units you manage.")})
    if not holds_role(actor, "secadmin") and not role_within_grants(actor, role):
        raise ValidationError({"role": _("You cannot grant a role with permissions you do not hold.")})
    role_separation_check(user=user, role=role)
    if RoleAssignment.objects.filter(user=user, role=role, unit=unit).exists():
        raise ValidationError({"role": _("This user already holds this role at this unit.")})
    assignment = RoleAssignment(user=user, role=role, unit=unit, include_descendants=include_descendants)
    object_create(obj=assignment, actor=actor, event="role.granted")
    audit.append(
        audit.Entry(
            action=AuditAction.EVENT,
            category=AuditCategory.SECURITY,
            actor=actor,
            event="role.granted",
            object_type=gate.label(get_user_model()),
            object_id=str(user.pk),
            object_repr=str(user),
            unit_path=unit.path,
            changes={"role": role.code, "unit": unit.code, "subtree": include_descendants},
        )
    )
    gate.forget(user)
    return assignment


@transaction.atomic
def role_revoke(*, actor, assignment: RoleAssignment) -> None:
    if assignment.user_id == actor.pk:
        raise ValidationError(_("You cannot revoke your own roles."))
    object_delete(obj=assignment, actor=actor, event="role.revoked")
    audit.append(
        audit.Entry(
            action=AuditAction.EVENT,
            category=AuditCategory.SECURITY,
            actor=actor,
            event="role.revoked",
            object_type=gate.label(get_user_model()),
            object_id=str(assignment.user_id),
            object_repr=str(assignment.user),
            unit_path=assignment.unit.path,
            changes={"role": assignment.role.code, "unit": assignment.unit.code},
        )
    )
