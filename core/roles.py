"""Built-in roles as data: ``core/data/roles.yaml`` is validated and synced after every migrate."""

from pathlib import Path

import yaml
from django.apps import apps as global_apps
from django.db import transaction

ROLES_FILE = Path(__file__).parent / "data" / "roles.yaml"
# Workflow actions: review (expert opinions), approve (supervising department), file (public security filing),
# verify (the audit log; a finding's rectification).
ACTIONS = {"view", "add", "change", "delete", "import", "export", "verify", "review", "approve", "file"}
ADMIN_ROLES = ("sysadmin", "secadmin", "auditadmin")


class RoleDataError(ValueError):
    pass


def load_roles(path: Path = ROLES_FILE, apps=global_apps) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    roles = data.get("roles") or {}
    for code, spec in roles.items():
        for model, actions in (spec.get("permissions") or {}).items():
            app_label, _, model_name = model.partition(".")
            try:
                apps.get_model(app_label, model_name)
            except LookupError as exc:
                raise RoleDataError(f"role {code}: unknown model {model}") from exc
            unknown = set(actions) - ACTIONS
            if unknown:
                raise RoleDataError(f"role {code}: unknown actions {sorted(unknown)} on {model}")
    return roles


@transaction.atomic
def sync_roles(apps=global_apps) -> None:
    Role = apps.get_model("core", "Role")
    RolePermission = apps.get_model("core", "RolePermission")
    for code, spec in load_roles(apps=apps).items():
        role, _ = Role.objects.update_or_create(
            code=code,
            defaults={
                "name": spec["name"],
                "description": spec.get("description", ""),
                "builtin": True,
                "admin_role": bool(spec.get("admin_role")),
                "requires_second_factor": bool(spec.get("second_factor")),
            },
        )
        wanted = {(m, a) for m, actions in (spec.get("permissions") or {}).items() for a in actions}
        have = set(RolePermission.objects.filter(role=role).values_list("model", "action"))
        for model, action in have - wanted:
            RolePermission.objects.filter(role=role, model=model, action=action).delete()
        RolePermission.objects.bulk_create(
            [RolePermission(role=role, model=m, action=a) for m, a in sorted(wanted - have)]
        )


def sync_roles_after_migrate(sender, apps=global_apps, **kwargs):
    try:
        apps.get_model("core", "RolePermission")
    except LookupError:
        return
    sync_roles(apps=global_apps)
