"""API tokens of rest_framework.authtoken were stored in clear: hash each into accounts.ApiToken and delete the clear
copies. The token text stays the same, so scripts keep working, but each token now expires like a new one
(administrators' after GOVCIO_ADMIN_TOKEN_DAYS); an administrator without a confirmed second factor loses theirs."""

from datetime import timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone

CLEAR_TABLE = "authtoken_token"


def hash_clear_tokens(apps, schema_editor):
    from knox.crypto import hash_token
    from knox.settings import CONSTANTS

    connection = schema_editor.connection
    if CLEAR_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("accounts", "ApiToken")
    User = apps.get_model("accounts", "User")
    RoleAssignment = apps.get_model("core", "RoleAssignment")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, user_id FROM {CLEAR_TABLE}")  # noqa: S608 - a constant table name
        rows = cursor.fetchall()
    admins = set(
        RoleAssignment.objects.filter(role__requires_second_factor=True).values_list("user_id", flat=True)
    )
    confirmed = set(User.objects.filter(totp_confirmed=True).values_list("pk", flat=True))
    now = timezone.now()
    days = getattr(settings, "GOVCIO_API_TOKEN_DAYS", 90)
    made = []
    for key, user_id in rows:
        if user_id in admins:
            if user_id not in confirmed:
                continue
            expiry = now + timedelta(days=max(1, getattr(settings, "GOVCIO_ADMIN_TOKEN_DAYS", 7)))
        else:
            expiry = now + timedelta(days=days) if days > 0 else None
        made.append(
            ApiToken(
                digest=hash_token(key),
                token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH],
                user_id=user_id,
                expiry=expiry,
                name="authtoken",
            )
        )
    ApiToken.objects.bulk_create(made)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {CLEAR_TABLE}")  # noqa: S608 - a constant table name


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_api_token"),
        ("core", "0006_audit_search_plain_indexes"),
    ]

    operations = [migrations.RunPython(hash_clear_tokens, migrations.RunPython.noop)]
