"""Login, lockout, second factor, password changes and user lifecycle. Every user and security event is audited."""

import hashlib
import secrets
from datetime import timedelta

import pyotp
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core import audit
from core.choices import AuditAction, Outcome
from core.models import RoleAssignment
from core.services import object_create, object_update, snapshot

RECOVERY_CODE_COUNT = 10


class LoginError(Exception):
    pass


def needs_second_factor(user: User) -> bool:
    """Required for the three separated administrators; optional (when enabled) for everyone else."""
    if user.totp_confirmed:
        return True
    return RoleAssignment.objects.filter(user=user, role__requires_second_factor=True).exists()


def login_check_password(*, username: str, password: str, request=None) -> User:
    """First factor. Counts failures, locks the account after the threshold, audits every attempt.

    The failure is recorded in its own committed transaction before the error is raised."""
    user, error = _attempt(username=username, password=password, request=request)
    if error:
        raise LoginError(error)
    return user


@transaction.atomic
def _attempt(*, username: str, password: str, request=None) -> tuple[User | None, str]:
    user = User.objects.select_for_update().filter(username=username).first()
    if user is not None and user.is_locked:
        audit.record_security(action=AuditAction.LOGIN_FAILED, actor=user, outcome=Outcome.FAILURE, reason="locked")
        return None, _("This account is locked after too many failed logins. Try again in {m} minutes.").format(
            m=settings.GOVCIO_LOCKOUT_MINUTES
        )
    authenticated = authenticate(request, username=username, password=password)
    if authenticated is None:
        reason = "bad_password"
        if user is not None:
            user.failed_logins += 1
            if user.failed_logins >= settings.GOVCIO_LOCKOUT_THRESHOLD:
                user.locked_until = timezone.now() + timedelta(minutes=settings.GOVCIO_LOCKOUT_MINUTES)
                user.failed_logins = 0
                reason = "locked_now"
            user.save(update_fields=["failed_logins", "locked_until"])
        audit.record_security(
            action=AuditAction.LOGIN_FAILED,
            actor=user,
            actor_name=username[:150],
            outcome=Outcome.FAILURE,
            reason=reason,
        )
        if reason == "locked_now":
            return None, _("Too many failed logins: the account is locked for {m} minutes.").format(
                m=settings.GOVCIO_LOCKOUT_MINUTES
            )
        return None, _("Wrong username or password.")
    return authenticated, ""


def login_succeeded(*, user: User) -> None:
    User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    audit.record_security(action=AuditAction.LOGIN, actor=user)


def logout_recorded(*, user: User) -> None:
    audit.record_security(action=AuditAction.LOGOUT, actor=user)


# Second factor ---------------------------------------------------------------------------------------------------


def _hash_code(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").strip().lower().encode()).hexdigest()


def totp_begin(*, user: User) -> str:
    """Create (but not yet enable) a TOTP secret; returns the provisioning URI for the QR code."""
    secret = pyotp.random_base32()
    user.totp_secret = secret
    User.objects.filter(pk=user.pk).update(totp_secret_encrypted=user.totp_secret_encrypted, totp_confirmed=False)
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name="govcio")


@transaction.atomic
def totp_confirm(*, user: User, code: str) -> list[str]:
    """Enable the second factor once the user proves the app works; returns one-time recovery codes."""
    if not user.totp_secret_encrypted or not pyotp.TOTP(user.totp_secret).verify(code.strip(), valid_window=1):
        audit.record_security(action=AuditAction.EVENT, actor=user, event="totp.enrol_failed", outcome=Outcome.FAILURE)
        raise ValidationError(_("That code is not right. Check the time on your phone and try again."))
    codes = [f"{secrets.token_hex(2)}-{secrets.token_hex(2)}" for _ in range(RECOVERY_CODE_COUNT)]
    user.totp_confirmed = True
    user.recovery_codes = [_hash_code(c) for c in codes]
    user.save(update_fields=["totp_confirmed", "recovery_codes"])
    audit.record_security(action=AuditAction.EVENT, actor=user, event="totp.enabled")
    return codes


@transaction.atomic
def second_factor_verify(*, user: User, code: str) -> bool:
    code = code.strip()
    ok = False
    if user.totp_confirmed and code.isdigit() and pyotp.TOTP(user.totp_secret).verify(code, valid_window=1):
        ok = True
    elif code:
        hashed = _hash_code(code)
        if hashed in user.recovery_codes:
            user.recovery_codes = [c for c in user.recovery_codes if c != hashed]
            user.save(update_fields=["recovery_codes"])
            audit.record_security(
                action=AuditAction.EVENT,
                actor=user,
                event="totp.recovery_code_used",
                remaining=len(user.recovery_codes),
            )
            ok = True
    if not ok:
        audit.record_security(
            action=AuditAction.LOGIN_FAILED, actor=user, outcome=Outcome.FAILURE, reason="second_factor"
        )
    return ok


# Passwords and lifecycle ---------------------------------------------------------------------------------------


def password_expired(user: User) -> bool:
    max_age = settings.GOVCIO_PASSWORD_MAX_AGE_DAYS
    if not max_age:
        return False
    changed = user.password_changed_at
    return changed is None or changed < timezone.now() - timedelta(days=max_age)


def end_sessions(*, user: User, keep: str | None = None) -> int:
    """End every session of ``user`` (password change, deactivation)."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.session_key == keep:
            continue
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def password_set(*, user: User, password: str, actor: User, keep_session: str | None = None) -> None:
    validate_password(password, user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_changed_at"])
    ended = end_sessions(user=user, keep=keep_session)
    audit.record_security(
        action=AuditAction.EVENT,
        actor=actor,
        event="password.changed",
        object_type="accounts.user",
        object_id=str(user.pk),
        object_repr=str(user),
        sessions_ended=ended,
    )


@transaction.atomic
def user_create(*, actor, username: str, password: str | None, unit=None, **fields) -> User:
    user = User(username=username, unit=unit, **fields)
    if password:
        validate_password(password, user)
        user.set_password(password)
        user.password_changed_at = timezone.now()
    else:
        user.set_unusable_password()
    object_create(obj=user, actor=actor)
    return user


@transaction.atomic
def user_update(*, actor, user: User, before: dict, expected_version: int | None = None) -> User:
    object_update(obj=user, actor=actor, before=before, expected_version=expected_version)
    if before.get("is_active") and not user.is_active:
        ended = end_sessions(user=user)
        audit.record_security(
            action=AuditAction.EVENT,
            actor=actor,
            event="user.deactivated",
            object_type="accounts.user",
            object_id=str(user.pk),
            object_repr=str(user),
            sessions_ended=ended,
        )
    return user


__all__ = ["snapshot"]
