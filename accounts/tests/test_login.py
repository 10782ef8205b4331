import pyotp
import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.models import AuditRecord
from core.testing import PASSWORD, build_tree, make_user


@pytest.fixture
def tree(db):
    return build_tree()


def login(client, username, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


@pytest.mark.parametrize("password", ["short1A!", "alllowercaseletters", "abcdefghij12", "kit_userXYZ123!"])
def test_password_policy_rejects(tree, password):
    user = User(username="kit_user")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_password_policy_accepts(tree):
    validate_password("Qingshan-2026-xj", User(username="somebody"))


def test_login_rotates_session_and_audits(client, tree):
    make_user("alice", "cio", tree.county_a)
    client.get(reverse("accounts:login"))
    before = client.cookies.get("sessionid")
    response = login(client, "alice")
    assert response.status_code == 302
    assert client.cookies["sessionid"].value != (before.value if before else None)
    assert AuditRecord.objects.filter(action="login", actor_name="alice", outcome="success").exists()


def test_failed_login_audited(client, tree):
    make_user("bob", "cio", tree.county_a)
    response = login(client, "bob", "wrong")
    assert response.status_code == 400
    assert AuditRecord.objects.filter(action="login_failed", actor_name="bob", outcome="failure").exists()
    login(client, "ghost", "wrong")
    assert AuditRecord.objects.filter(action="login_failed", actor_name="ghost").exists()


@override_settings(GOVCIO_LOCKOUT_THRESHOLD=5, GOVCIO_LOCKOUT_MINUTES=15)
def test_lockout_after_five_failures(client, tree):
    make_user("carol", "cio", tree.county_a)
    for _ in range(5):
        login(client, "carol", "wrong")
    user = User.objects.get(username="carol")
    assert user.is_locked
    response = login(client, "carol")  # right password, still locked
    assert response.status_code == 400
    assert "锁定" in response.content.decode() or "locked" in response.content.decode()
    User.objects.filter(pk=user.pk).update(locked_until=timezone.now() - timezone.timedelta(seconds=1))
    assert login(client, "carol").status_code == 302


def test_inactive_user_cannot_log_in(client, tree):
    make_user("dan", "cio", tree.county_a, is_active=False)
    assert login(client, "dan").status_code == 400


def test_deactivation_ends_sessions(client, tree):
    admin = make_user("sys", "sysadmin", tree.county_a)
    target = make_user("erin", "cio", tree.county_a)
    client.force_login(target)
    assert client.get(reverse("core:home")).status_code == 200
    from accounts.services import user_update
    from core.services import snapshot

    before = snapshot(target)
    target.is_active = False
    user_update(actor=admin, user=target, before=before)
    assert client.get(reverse("core:home")).status_code == 302


def test_password_change_ends_other_sessions(client, tree):
    from django.test import Client

    make_user("fay", "cio", tree.county_a)
    other = Client()
    assert login(other, "fay").status_code == 302
    assert login(client, "fay").status_code == 302
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password": "Nanshan-2027-qz", "new_password2": "Nanshan-2027-qz"},
    )
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200
    assert other.get(reverse("core:home")).status_code == 302


@override_settings(GOVCIO_PASSWORD_MAX_AGE_DAYS=90)
def test_expired_password_must_be_changed(client, tree):
    user = make_user("gus", "cio", tree.county_a)
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timezone.timedelta(days=91))
    login(client, "gus")
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_change")
    # The API signed in by the same session refuses too (a token of the account is refused in accounts.tokens).
    response = client.get("/api/v1/org/units/")
    assert response.status_code == 403 and "过期" in response.json()["detail"]


def test_admin_must_enrol_second_factor(client, tree):
    make_user("sec", "secadmin", tree.county_a)
    response = login(client, "sec")
    assert response.status_code == 302 and reverse("accounts:enrol") in response["Location"]
    # not logged in yet
    assert client.get(reverse("core:home")).status_code == 302
    secret = client.get(reverse("accounts:enrol")).context["secret"]
    code = pyotp.TOTP(secret).now()
    response = client.post(reverse("accounts:enrol"), {"code": code})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10
    assert client.get(reverse("core:home")).status_code == 200
    # next login asks for the code; a recovery code works once
    client.post(reverse("accounts:logout"))
    response = login(client, "sec")
    assert reverse("accounts:verify") in response["Location"]
    assert client.post(reverse("accounts:verify"), {"code": "000000"}).status_code == 400
    assert client.post(reverse("accounts:verify"), {"code": codes[0]}).status_code == 302
    client.post(reverse("accounts:logout"))
    login(client, "sec")
    response = client.post(reverse("accounts:verify"), {"code": codes[0]})
    assert response.status_code == 400  # used up
    assert AuditRecord.objects.filter(event="totp.enabled").exists()


def test_personal_data_encrypted_at_rest(tree):
    user = make_user("hana", "cio", tree.county_a)
    user.phone = "13912345678"
    user.id_number = "11010519491231002X"
    user.save()
    raw = User.objects.filter(pk=user.pk).values_list("phone_encrypted", "id_number_encrypted").get()
    assert all(v.startswith("sm4:") and "1391234" not in v for v in raw)
    fresh = User.objects.get(pk=user.pk)
    assert fresh.phone == "13912345678" and fresh.phone_masked == "139****5678"
    assert fresh.id_number_masked == "1101**********002X"


def test_no_default_password_exists(db):
    assert not User.objects.exists()
