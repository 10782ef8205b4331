"""API tokens: hashed at rest, refused for accounts that could not log in, administrators' only with a second factor
and an expiry, listed and revoked on the profile page."""

import io
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken, User
from accounts.testing import enable_second_factor, make_token
from core.models import AuditRecord
from core.testing import build_tree, make_user


@pytest.fixture
def tree(db):
    return build_tree()


def api_get(client, token):
    return client.get(reverse("api:unit-list"), HTTP_AUTHORIZATION=f"Token {token}")


def command_token(username, *args) -> str:
    out = io.StringIO()
    call_command("token", username, *args, stdout=out)
    return out.getvalue().strip()


def all_text_in_database() -> str:
    """Every stored column of the token table, to look for the token in clear."""
    return " ".join(str(v) for row in ApiToken.objects.values_list() for v in row)


def test_command_prints_a_new_token_stored_hashed(tree, client):
    make_user("ann", "cio", tree.county_a)
    token = command_token("ann")
    assert len(token) >= 40
    assert api_get(client, token).status_code == 200
    assert token not in all_text_in_database()
    # each call makes a new token; the first keeps working
    second = command_token("ann")
    assert second != token and api_get(client, token).status_code == 200
    assert AuditRecord.objects.filter(event="api_token.created", category="security").count() == 2


@override_settings(GOVCIO_API_TOKEN_DAYS=90)
def test_tokens_of_others_expire_after_the_default(tree):
    user = make_user("ann", "cio", tree.county_a)
    make_token(user)
    expiry = ApiToken.objects.get(user=user).expiry
    assert timedelta(days=89) < expiry - timezone.now() <= timedelta(days=90)


def test_administrator_gets_a_token_only_with_a_confirmed_second_factor(tree, client):
    admin = make_user("sys", "sysadmin", tree.county_a)
    with pytest.raises(CommandError):
        command_token("sys")
    assert not ApiToken.objects.filter(user=admin).exists()
    enable_second_factor(admin)
    token = command_token("sys")
    assert api_get(client, token).status_code == 200
    expiry = ApiToken.objects.get(user=admin).expiry
    assert expiry is not None and expiry - timezone.now() <= timedelta(days=7)


@override_settings(GOVCIO_API_TOKEN_DAYS=0)
def test_administrator_token_without_expiry_or_factor_is_refused(tree, client):
    """A token made before its owner became an administrator (no expiry) does not carry over."""
    user = make_user("later", None, tree.county_a)
    token = make_token(user)
    assert ApiToken.objects.get(user=user).expiry is None
    from core.testing import grant

    grant(user, "sysadmin", tree.county_a)
    response = api_get(client, token)
    assert response.status_code == 401
    assert "second factor" in response.json()["detail"] or "第二" in response.json()["detail"]


@pytest.mark.parametrize(
    "state,status",
    [
        ({"locked_until": timezone.now() + timedelta(minutes=10)}, 401),
        ({"is_active": False}, 401),
        ({"password_changed_at": timezone.now() - timedelta(days=400)}, 403),
    ],
    ids=["locked", "inactive", "password-expired"],
)
def test_token_of_an_account_that_could_not_log_in_is_refused(tree, client, state, status):
    user = make_user("ann", "cio", tree.county_a)
    token = make_token(user)
    assert api_get(client, token).status_code == 200
    User.objects.filter(pk=user.pk).update(**state)
    response = api_get(client, token)
    assert response.status_code == status
    assert response.json()["detail"]
    assert AuditRecord.objects.filter(event="api_token.refused", actor=user).exists()


def test_expired_token_is_refused(tree, client):
    user = make_user("ann", "cio", tree.county_a)
    token = make_token(user)
    ApiToken.objects.filter(user=user).update(expiry=timezone.now() - timedelta(seconds=1))
    response = api_get(client, token)
    assert response.status_code == 401


def test_last_use_is_recorded(tree, client):
    user = make_user("ann", "cio", tree.county_a)
    token = make_token(user)
    assert ApiToken.objects.get(user=user).last_used is None
    api_get(client, token)
    assert ApiToken.objects.get(user=user).last_used is not None


def test_profile_lists_creates_and_revokes_tokens(tree):
    user = make_user("ann", "cio", tree.county_a)
    other = make_user("bob", "cio", tree.county_a)
    make_token(user, name="inventory sync")
    foreign = make_token(other, name="bob's")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    page = client.get(reverse("accounts:profile"))
    assert "inventory sync" in page.content.decode() and "bob&#x27;s" not in page.content.decode()
    csrf = page.cookies["csrftoken"].value
    # create: the token is shown once, stored hashed
    response = client.post(reverse("accounts:token_add"), {"name": "report script", "csrfmiddlewaretoken": csrf})
    assert response.status_code == 200
    raw = response.context["token"]
    assert raw in response.content.decode() and raw not in all_text_in_database()
    assert raw not in client.get(reverse("accounts:profile")).content.decode()
    assert api_get(Client(), raw).status_code == 200
    # revoke: POST with CSRF only, own tokens only, audited
    mine = ApiToken.objects.get(user=user, name="report script")
    url = reverse("accounts:token_revoke", args=[mine.token_key])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403  # no CSRF token
    assert client.post(url, {"csrfmiddlewaretoken": csrf}).status_code == 302
    assert not ApiToken.objects.filter(pk=mine.pk).exists()
    assert api_get(Client(), raw).status_code == 401
    assert AuditRecord.objects.filter(event="api_token.revoked", actor=user).exists()
    theirs = ApiToken.objects.get(user=other)
    assert (
        client.post(
            reverse("accounts:token_revoke", args=[theirs.token_key]), {"csrfmiddlewaretoken": csrf}
        ).status_code
        == 404
    )
    assert api_get(Client(), foreign).status_code == 200


def test_clear_tokens_from_before_are_hashed_by_the_migration(tree, client):
    """Tokens of rest_framework.authtoken (stored in clear) keep working, hashed, and leave no clear copy."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("accounts.migrations.0005_hash_clear_api_tokens")
    user = make_user("ann", "cio", tree.county_a)
    admin = make_user("sys", "sysadmin", tree.county_a)  # no second factor: the token is dropped
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp, user_id bigint)")
        for key, owner in (("a" * 40, user), ("b" * 40, admin)):
            cursor.execute(
                "INSERT INTO authtoken_token (key, created, user_id) VALUES (%s, %s, %s)",
                [key, timezone.now(), owner.pk],
            )
    migration.hash_clear_tokens(apps, SimpleNamespace(connection=connection))
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM authtoken_token")
        assert cursor.fetchone()[0] == 0
    assert api_get(client, "a" * 40).status_code == 200
    assert api_get(client, "b" * 40).status_code == 401
    assert "a" * 40 not in all_text_in_database()
