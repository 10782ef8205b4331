"""Report users who break the three-administrator separation (三员分立): an administrator role (sysadmin, secadmin,
auditadmin) together with any other role. Such grants were possible before the rule was checked in both directions.
Nothing is deleted: which role a person keeps is the organisation's decision. The security administrator revokes
the surplus assignments on the role assignments page (or DELETE /api/security/assignments/<id>/);
`govcio roles check` lists what remains."""

import logging

from django.db import migrations

logger = logging.getLogger("govcio.migrations")
ADMIN_ROLES = ("sysadmin", "secadmin", "auditadmin")


def report_violations(apps, schema_editor):
    RoleAssignment = apps.get_model("core", "RoleAssignment")
    admins = RoleAssignment.objects.filter(role__code__in=ADMIN_ROLES).values("user_id")
    held = {}
    rows = RoleAssignment.objects.filter(user_id__in=admins).values_list("user__username", "role__code", "unit__code")
    for username, role, unit in rows.order_by("user__username", "role__code", "unit__code"):
        held.setdefault(username, []).append(f"{role}@{unit}")
    for username, grants in held.items():
        if len({g.split("@")[0] for g in grants}) > 1:
            message = "three-administrator separation broken: %s holds %s; revoke the surplus roles"
            logger.warning(message, username, ", ".join(grants))
            print("\n  " + message % (username, ", ".join(grants)))  # noqa: T201 - seen by whoever runs migrate


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0008_seal_unkeyed_audit_chain"),
    ]

    operations = [migrations.RunPython(report_violations, migrations.RunPython.noop, elidable=True)]
