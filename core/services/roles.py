"""Granting and revoking roles.

Rules (docs/permissions.md):
- the grantor needs ``core.roleassignment: add`` over the unit, and over its whole subtree when the grant includes
  subordinate units; nobody grants outside their own scope;
- nobody grants a role to themselves;
- only the security administrator grants roles whose permissions exceed the grantor's own; anyone else may grant
  only a role whose every permission they hold themselves;
- the three separated administrators (三员分立) are mutually exclusive: a user holding one cannot receive another.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import audit, gate
from core.choices import AuditAction, AuditCategory
from core.models import Role, RoleAssignment, RolePermission, Unit
from core.roles import ADMIN_ROLES
from core.services import object_create, object_delete


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
    if role.code in ADMIN_ROLES:
        other = (
            RoleAssignment.objects.filter(user=user, role__code__in=ADMIN_ROLES)
            .exclude(role=role)
            .select_related("role")
            .first()
        )
        if other is not None:
            raise ValidationError(
                {
                    "role": _("The three administrators are separated: this user is already {role}.").format(
                        role=other.role
                    )
                }
            )
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
            object_type="accounts.user",
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
            object_type="accounts.user",
            object_id=str(assignment.user_id),
            object_repr=str(assignment.user),
            unit_path=assignment.unit.path,
            changes={"role": assignment.role.code, "unit": assignment.unit.code},
        )
    )
