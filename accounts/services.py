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

from accounts import throttle
from accounts.models import User
from core import audit, context
from core.choices import AuditAction, Outcome
from core.models import RoleAssignment
from core.services import object_create, object_update, snapshot

RECOVERY_CODE_COUNT = 10


class LoginError(Exception):
    """A refused sign-in step. ``status`` is the HTTP answer (429 while the client address is held back);
    ``locked`` says the account is locked, so a half-finished login must start again."""

    def __init__(self, message: str, *, status: int = 400, locked: bool = False):
        super().__init__(message)
        self.status = status
        self.locked = locked


def needs_second_factor(user: User) -> bool:
    """Required for the three separated administrators; optional (when enabled) for everyone else."""
    if user.totp_confirmed:
        return True
    return requires_second_factor(user)


def requires_second_factor(user: User) -> bool:
    """The user holds a role that requires a second factor (the three separated administrators)."""
    return RoleAssignment.objects.filter(user=user, role__requires_second_factor=True).exists()


def login_check_password(*, username: str, password: str, request=None) -> User:
    """First factor. Counts failures, locks the account after the threshold, audits every attempt.

    The failure is recorded in its own committed transaction before the error is raised."""
    user, error = _attempt(username=username, password=password, request=request)
    if error:
        raise error
    return user


def _refusal(user: User | None, actor_name: str) -> LoginError | None:
    """Refuse before checking anything when the client address is held back or the account is locked."""
    key = throttle.address_key(context.current().ip)
    if throttle.blocked(key):
        audit.record_security(
            action=AuditAction.LOGIN_FAILED,
            actor=user,
            actor_name=actor_name,
            outcome=Outcome.FAILURE,
            reason="throttled",
        )
        message = _("Too many failed attempts from your network address. Try again in {m} minutes.")
        return LoginError(message.format(m=throttle.minutes_left(key)), status=429)
    if user is not None and user.is_locked:
        audit.record_security(action=AuditAction.LOGIN_FAILED, actor=user, outcome=Outcome.FAILURE, reason="locked")
        message = _("This account is locked after too many failed logins. Try again in {m} minutes.")
        return LoginError(message.format(m=settings.GOVCIO_LOCKOUT_MINUTES), locked=True)
    return None


def _failure(user: User | None, actor_name: str, reason: str, message: str, **details) -> LoginError:
    """Count a wrong password or code into the account's lockout and the address's throttle, and audit it."""
    throttle.failed(throttle.address_key(context.current().ip))
    locked = False
    if user is not None:
        user.failed_logins += 1
        if user.failed_logins >= settings.GOVCIO_LOCKOUT_THRESHOLD:
            user.locked_until = timezone.now() + timedelta(minutes=settings.GOVCIO_LOCKOUT_MINUTES)
            user.failed_logins = 0
            reason, locked = "locked_now", True
        user.save(update_fields=["failed_logins", "locked_until"])
    audit.record_security(
        action=AuditAction.LOGIN_FAILED,
        actor=user,
        actor_name=actor_name[:150],
        outcome=Outcome.FAILURE,
        reason=reason,
        **details,
    )
    if locked:
        message = _("Too many failed attempts: the account is locked for {m} minutes.").format(
            m=settings.GOVCIO_LOCKOUT_MINUTES
        )
    return LoginError(message, locked=locked)


@transaction.atomic
def _attempt(*, username: str, password: str, request=None) -> tuple[User | None, LoginError | None]:
    user = User.objects.select_for_update().filter(username=username).first()
    refused = _refusal(user, actor_name=username)
    if refused:
        return None, refused
    authenticated = authenticate(request, username=username, password=password)
    if authenticated is None:
        return None, _failure(user, username, "bad_password", _("Wrong username or password."))
    return authenticated, None


def login_succeeded(*, user: User) -> None:
    User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    audit.record_security(action=AuditAction.LOGIN, actor=user)


def logout_recorded(*, user: User) -> None:
    audit.record_security(action=AuditAction.LOGOUT, actor=user)


# Second factor ---------------------------------------------------------------------------------------------------
# A secret reaches the account only when a code proves the authenticator holds it: until then the views keep the
# offered secret (encrypted) in the browser's own server-side session. So a GET never changes an account, a second
# browser with the password cannot replace the secret someone is scanning, and the first confirmation wins.


def _hash_code(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").strip().lower().encode()).hexdigest()


def totp_new_secret() -> str:
    return pyotp.random_base32()


def totp_uri(*, user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name="govcio")


def _totp_matches(secret: str, code: str) -> bool:
    code = code.strip()
    return bool(secret) and code.isdigit() and pyotp.TOTP(secret).verify(code, valid_window=1)


def _install(user: User, secret: str, event: str) -> list[str]:
    codes = [f"{secrets.token_hex(2)}-{secrets.token_hex(2)}" for _ in range(RECOVERY_CODE_COUNT)]
    user.totp_secret = secret
    user.totp_confirmed = True
    user.recovery_codes = [_hash_code(c) for c in codes]
    user.save(update_fields=["totp_secret_encrypted", "totp_confirmed", "recovery_codes"])
    audit.record_security(action=AuditAction.EVENT, actor=user, event=event)
    return codes


def totp_enable(*, user: User, secret: str, code: str) -> list[str]:
    """First enrolment: turn the second factor on once a code of ``secret`` proves the app works; returns one-time
    recovery codes. Refused for an account whose factor is already confirmed (a new secret is ``totp_reenrol``)."""
    codes, error = _enable(user_pk=user.pk, secret=secret, code=code)
    if error:
        raise error
    user.refresh_from_db()
    return codes


@transaction.atomic
def _enable(*, user_pk: int, secret: str, code: str) -> tuple[list[str], ValidationError | None]:
    user = User.objects.select_for_update().get(pk=user_pk)
    if user.totp_confirmed:
        audit.record_security(action=AuditAction.EVENT, actor=user, event="totp.enrol_refused", outcome=Outcome.FAILURE)
        return [], ValidationError(_("The second factor of this account is already set up."), code="confirmed")
    if not _totp_matches(secret, code):
        audit.record_security(action=AuditAction.EVENT, actor=user, event="totp.enrol_failed", outcome=Outcome.FAILURE)
        return [], ValidationError(_("That code is not right. Check the time on your phone and try again."))
    return _install(user, secret, "totp.enabled"), None


def second_factor_check(*, user: User, code: str, purpose: str = "login") -> None:
    """Check a TOTP or recovery code of a confirmed factor. A wrong code counts into the same lockout as a wrong
    password and into the address's throttle; every attempt is audited. Raises ``LoginError``."""
    error = _check_code(user_pk=user.pk, code=code, purpose=purpose)
    user.refresh_from_db(fields=["recovery_codes", "failed_logins", "locked_until"])
    if error:
        raise error


@transaction.atomic
def _check_code(*, user_pk: int, code: str, purpose: str) -> LoginError | None:
    user = User.objects.select_for_update().get(pk=user_pk)
    refused = _refusal(user, actor_name=user.username)
    if refused:
        return refused
    code = code.strip()
    if user.totp_confirmed and _totp_matches(user.totp_secret, code):
        return None
    hashed = _hash_code(code) if code else ""
    if user.totp_confirmed and hashed in user.recovery_codes:
        user.recovery_codes = [c for c in user.recovery_codes if c != hashed]
        user.save(update_fields=["recovery_codes"])
        audit.record_security(
            action=AuditAction.EVENT,
            actor=user,
            event="totp.recovery_code_used",
            remaining=len(user.recovery_codes),
            purpose=purpose,
        )
        return None
    return _failure(user, user.username, "second_factor", _("That code is not right."), purpose=purpose)


def totp_reenrol_begin(*, user: User, code: str) -> str:
    """Re-enrolment (a lost phone): prove a current code or a recovery code; returns the new secret to offer. The
    account keeps its old secret until ``totp_reenrol`` confirms the new one."""
    second_factor_check(user=user, code=code, purpose="reenrol")
    audit.record_security(action=AuditAction.EVENT, actor=user, event="totp.reenrol_started")
    return totp_new_secret()


def totp_reenrol(*, user: User, secret: str, code: str) -> list[str]:
    codes, error = _reenrol(user_pk=user.pk, secret=secret, code=code)
    if error:
        raise error
    user.refresh_from_db()
    return codes


@transaction.atomic
def _reenrol(*, user_pk: int, secret: str, code: str) -> tuple[list[str], ValidationError | None]:
    user = User.objects.select_for_update().get(pk=user_pk)
    if not user.totp_confirmed:
        return [], ValidationError(_("This account has no second factor to replace."))
    if not _totp_matches(secret, code):
        audit.record_security(
            action=AuditAction.EVENT, actor=user, event="totp.reenrol_failed", outcome=Outcome.FAILURE
        )
        return [], ValidationError(_("That code is not right. Check the time on your phone and try again."))
    return _install(user, secret, "totp.reenrolled"), None


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


PERSONAL = ("id_number", "phone")  # encrypted at rest; audited by name, never by value


def _audit_personal(*, actor, user: User, changed: list[str]) -> None:
    if changed:
        audit.record_object(
            action=AuditAction.UPDATE,
            obj=user,
            actor=actor,
            changes={"personal_data": sorted(changed)},
            event="user.personal_data",
        )


@transaction.atomic
def user_create(
    *, actor, username: str, password: str | None, unit=None, phone: str = "", id_number: str = "", **fields
) -> User:
    """A new account with its personal data, written and audited in one transaction."""
    user = User(username=username, unit=unit, **fields)
    user.phone, user.id_number = phone, id_number
    if password:
        validate_password(password, user)
        user.set_password(password)
        user.password_changed_at = timezone.now()
    else:
        user.set_unusable_password()
    object_create(obj=user, actor=actor)
    _audit_personal(actor=actor, user=user, changed=[name for name in PERSONAL if getattr(user, name)])
    return user


@transaction.atomic
def user_update(*, actor, user: User, before: dict, expected_version: int | None = None) -> User:
    """Save a changed account; its personal data (``user.phone``, ``user.id_number``) as given, audited by name
    when it changed."""
    stored = User._base_manager.get(pk=user.pk)
    changed = [name for name in PERSONAL if getattr(stored, name) != getattr(user, name)]
    object_update(obj=user, actor=actor, before=before, expected_version=expected_version)
    _audit_personal(actor=actor, user=user, changed=changed)
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
