"""The second factor: enrolment, re-enrolment, and guessing limits (per account and per client address)."""

import pyotp
import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.testing import enable_second_factor
from core.models import AuditRecord
from core.testing import PASSWORD, build_tree, make_user


@pytest.fixture
def tree(db):
    return build_tree()


def login(client, username, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def wrong_code(secret: str) -> str:
    totp = pyotp.TOTP(secret)
    now = timezone.now()
    valid = {totp.at(now, counter_offset=k) for k in (-2, -1, 0, 1, 2)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


def signed_in(client) -> bool:
    return client.get(reverse("core:home")).status_code == 200


def secret_of(username: str) -> str:
    return User.objects.get(username=username).totp_secret


# Enrolment -------------------------------------------------------------------------------------------------------


def test_pending_confirmed_user_cannot_enrol_a_new_secret(client, tree):
    """The bypass: password, then the enrolment page instead of the code, then a secret of one's own."""
    owner = make_user("sec", "secadmin", tree.county_a)
    secret = enable_second_factor(owner)
    assert reverse("accounts:verify") in login(client, "sec")["Location"]
    response = client.get(reverse("accounts:enrol"))
    assert response.status_code == 302 and reverse("accounts:verify") in response["Location"]
    assert secret_of("sec") == secret and User.objects.get(username="sec").totp_confirmed
    # posting a code of some other secret logs nobody in and changes nothing
    response = client.post(reverse("accounts:enrol"), {"code": pyotp.TOTP(pyotp.random_base32()).now()})
    assert response.status_code == 302 and reverse("accounts:verify") in response["Location"]
    assert not signed_in(client)
    assert secret_of("sec") == secret
    # the owner's authenticator still works
    assert client.post(reverse("accounts:verify"), {"code": pyotp.TOTP(secret).now()}).status_code == 302
    assert signed_in(client)


def test_get_of_enrolment_page_changes_nothing_for_a_signed_in_user(client, tree):
    """A cross-site link to the page must not turn the second factor off or give it a new secret."""
    user = make_user("ann", "cio", tree.county_a)
    secret = enable_second_factor(user)
    client.force_login(user)
    for name in ("accounts:enrol", "accounts:reenrol"):
        response = client.get(reverse(name))
        assert response.status_code in (200, 302)
        fresh = User.objects.get(pk=user.pk)
        assert fresh.totp_confirmed and fresh.totp_secret == secret
        assert secret not in response.content.decode()


def test_enrolment_get_keeps_the_offered_secret_and_writes_nothing(client, tree):
    make_user("sec", "secadmin", tree.county_a)
    login(client, "sec")
    first = client.get(reverse("accounts:enrol")).context["secret"]
    again = client.get(reverse("accounts:enrol")).context["secret"]
    assert first == again
    # nothing is written to the account before a code proves the authenticator works
    fresh = User.objects.get(username="sec")
    assert not fresh.totp_confirmed and not fresh.totp_secret_encrypted


def test_second_login_during_enrolment_cannot_take_over(client, tree):
    """Someone else with the password, enrolling at the same time, neither replaces the owner's secret nor wins."""
    make_user("sec", "secadmin", tree.county_a)
    login(client, "sec")
    owner_secret = client.get(reverse("accounts:enrol")).context["secret"]
    other = Client()
    login(other, "sec")
    other_secret = other.get(reverse("accounts:enrol")).context["secret"]
    assert other_secret != owner_secret
    # the owner's code still fits the owner's secret after the other GET
    response = client.post(reverse("accounts:enrol"), {"code": pyotp.TOTP(owner_secret).now()})
    assert response.status_code == 200 and len(response.context["codes"]) == 10
    assert signed_in(client)
    # the other session's enrolment is refused now that the account has a confirmed factor
    response = other.post(reverse("accounts:enrol"), {"code": pyotp.TOTP(other_secret).now()})
    assert response.status_code == 302 and reverse("accounts:verify") in response["Location"]
    assert not signed_in(other)
    assert secret_of("sec") == owner_secret


def test_profile_enrolment_for_a_user_without_factor(client, tree):
    user = make_user("ann", "cio", tree.county_a)
    client.force_login(user)
    secret = client.get(reverse("accounts:enrol")).context["secret"]
    assert not User.objects.get(pk=user.pk).totp_secret_encrypted
    response = client.post(reverse("accounts:enrol"), {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200 and len(response.context["codes"]) == 10
    assert User.objects.get(pk=user.pk).totp_confirmed and secret_of("ann") == secret
    assert AuditRecord.objects.filter(event="totp.enabled", actor=user).exists()


# Re-enrolment ----------------------------------------------------------------------------------------------------


def test_reenrolment_needs_a_current_code_and_is_audited(client, tree):
    user = make_user("ann", "cio", tree.county_a)
    old = enable_second_factor(user)
    client.force_login(user)
    url = reverse("accounts:reenrol")
    # a wrong code proves nothing, and counts as a failure
    response = client.post(url, {"step": "prove", "code": wrong_code(old)})
    assert response.status_code == 400 and "secret" not in response.context
    assert User.objects.get(pk=user.pk).failed_logins == 1
    # confirming without proof is refused
    response = client.post(url, {"step": "confirm", "code": pyotp.TOTP(pyotp.random_base32()).now()})
    assert response.status_code == 400
    assert secret_of("ann") == old
    # the current code opens it; the old secret keeps working until the new one is confirmed
    response = client.post(url, {"step": "prove", "code": pyotp.TOTP(old).now()})
    assert response.status_code == 200
    new = response.context["secret"]
    assert new != old and secret_of("ann") == old
    response = client.post(url, {"step": "confirm", "code": pyotp.TOTP(new).now()})
    assert response.status_code == 200 and len(response.context["codes"]) == 10
    fresh = User.objects.get(pk=user.pk)
    assert fresh.totp_confirmed and fresh.totp_secret == new
    assert AuditRecord.objects.filter(event="totp.reenrolled", actor=user).exists()


def test_reenrolment_with_a_recovery_code(client, tree):
    make_user("sec", "secadmin", tree.county_a)
    login(client, "sec")
    secret = client.get(reverse("accounts:enrol")).context["secret"]
    codes = client.post(reverse("accounts:enrol"), {"code": pyotp.TOTP(secret).now()}).context["codes"]
    url = reverse("accounts:reenrol")
    response = client.post(url, {"step": "prove", "code": codes[0]})
    assert response.status_code == 200
    new = response.context["secret"]
    response = client.post(url, {"step": "confirm", "code": pyotp.TOTP(new).now()})
    assert response.status_code == 200
    assert secret_of("sec") == new


def test_reenrolment_is_post_only_with_csrf(tree):
    user = make_user("ann", "cio", tree.county_a)
    old = enable_second_factor(user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(reverse("accounts:reenrol"), {"step": "prove", "code": pyotp.TOTP(old).now()})
    assert response.status_code == 403


# Guessing limits -------------------------------------------------------------------------------------------------


@override_settings(GOVCIO_LOCKOUT_THRESHOLD=5, GOVCIO_LOCKOUT_MINUTES=15)
def test_wrong_codes_count_into_the_lockout(client, tree):
    owner = make_user("sec", "secadmin", tree.county_a)
    secret = enable_second_factor(owner)
    login(client, "sec")
    for _ in range(60):
        client.post(reverse("accounts:verify"), {"code": wrong_code(secret)})
    assert User.objects.get(pk=owner.pk).is_locked
    # the right code no longer helps, and the half-finished login is dropped
    response = client.post(reverse("accounts:verify"), {"code": pyotp.TOTP(secret).now()})
    assert not signed_in(client)
    assert response.status_code == 302
    assert login(client, "sec").status_code == 400
    failures = AuditRecord.objects.filter(actor=owner, action="login_failed")
    assert failures.filter(changes__reason="second_factor").count() == 4
    assert failures.filter(changes__reason="locked_now").count() == 1


@override_settings(GOVCIO_LOCKOUT_THRESHOLD=5)
def test_code_and_password_failures_share_one_counter(client, tree):
    owner = make_user("sec", "secadmin", tree.county_a)
    secret = enable_second_factor(owner)
    for _ in range(2):
        login(client, "sec", "wrong")
    login(client, "sec")
    for _ in range(3):
        client.post(reverse("accounts:verify"), {"code": wrong_code(secret)})
    assert User.objects.get(pk=owner.pk).is_locked


@override_settings(GOVCIO_IP_FAILURE_LIMIT=4, GOVCIO_IP_FAILURE_WINDOW_MINUTES=15)
def test_failures_from_one_address_are_throttled_across_accounts(tree):
    from accounts.models import AuthThrottle

    for name in ("u1", "u2", "u3", "u4", "u5"):
        make_user(name, "cio", tree.county_a)
    attacker = Client(REMOTE_ADDR="10.9.8.7")
    for name in ("u1", "u2", "u3", "u4"):
        assert login(attacker, name, "wrong").status_code == 400
    # the address is held back even with a right password; the state lives in the database, shared by workers
    assert login(attacker, "u5").status_code == 429
    assert AuthThrottle.objects.filter(key="ip:10.9.8.7", failures__gte=4).exists()
    assert AuditRecord.objects.filter(action="login_failed", changes__reason="throttled").exists()
    # another address is not
    assert login(Client(REMOTE_ADDR="10.9.8.8"), "u5").status_code == 302
    # nor is any account locked by someone else's guesses
    assert not User.objects.filter(is_active=True, locked_until__isnull=False).exists()


@override_settings(GOVCIO_IP_FAILURE_LIMIT=3, GOVCIO_LOCKOUT_THRESHOLD=50)
def test_code_guesses_are_throttled_per_address(tree):
    owner = make_user("sec", "secadmin", tree.county_a)
    secret = enable_second_factor(owner)
    attacker = Client(REMOTE_ADDR="10.9.8.7")
    login(attacker, "sec")
    for _ in range(3):
        attacker.post(reverse("accounts:verify"), {"code": wrong_code(secret)})
    response = attacker.post(reverse("accounts:verify"), {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 429
    assert not signed_in(attacker)


@override_settings(GOVCIO_IP_FAILURE_LIMIT=2, GOVCIO_TRUSTED_PROXIES="127.0.0.1")
def test_behind_a_trusted_proxy_the_client_address_counts(tree):
    """Behind nginx every request comes from the proxy: the throttle must count the client, not the proxy, or one
    guesser would hold back the whole county. A client's own X-Forwarded-For entries are not believed."""
    make_user("u1", "cio", tree.county_a)
    make_user("u2", "cio", tree.county_a)
    attacker = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.1, 10.9.8.7")
    for _ in range(2):
        login(attacker, "u1", "wrong")
    assert login(attacker, "u1").status_code == 429
    colleague = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.8.8")
    assert login(colleague, "u2").status_code == 302
    # a forged first entry changes nothing: the proxy's own entry (the last) is the address
    forged = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.8.99, 10.9.8.7")
    assert login(forged, "u2").status_code == 429
    # a direct client cannot claim an address at all
    direct = Client(REMOTE_ADDR="10.9.8.7", HTTP_X_FORWARDED_FOR="10.1.1.1")
    assert login(direct, "u2").status_code == 429
