"""API tokens: who may have one, for how long, and when one is refused.

Tokens are django-rest-knox's: a random 64-hex-character string shown once, stored as its SHA-512 digest with a
short lookup prefix (``accounts.ApiToken``). A token is a password that skips the login page, so it gets the login
page's refusals too: an inactive, locked or password-expired account cannot use one, and the three separated
administrators (who must sign in with a second factor) get tokens only once their factor is confirmed, and always
with an expiry (``GOVCIO_ADMIN_TOKEN_DAYS``; others ``GOVCIO_API_TOKEN_DAYS``, 0 = never).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ApiToken, User
from accounts.services import password_expired, requires_second_factor
from core import audit
from core.choices import AuditAction, Outcome

LAST_USED_EVERY = timedelta(minutes=1)  # write the last use at most this often per token


def token_lifetime(user: User) -> timedelta | None:
    if requires_second_factor(user):
        return timedelta(days=max(1, settings.GOVCIO_ADMIN_TOKEN_DAYS))
    days = settings.GOVCIO_API_TOKEN_DAYS
    return timedelta(days=days) if days > 0 else None


def _audit(event: str, *, actor, user: User, token: ApiToken, outcome=Outcome.SUCCESS, **details) -> None:
    audit.record_security(
        action=AuditAction.EVENT,
        actor=actor,
        event=event,
        outcome=outcome,
        object_type="accounts.user",
        object_id=str(user.pk),
        object_repr=str(user),
        token=token.prefix,
        **details,
    )


@transaction.atomic
def token_create(*, user: User, actor: User | None, name: str = "") -> tuple[ApiToken, str]:
    """Make a token for ``user``; returns it with the only copy of its text."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active or user.is_locked:
        raise ValidationError(_("An inactive or locked account cannot get an API token."))
    if requires_second_factor(user) and not user.totp_confirmed:
        raise ValidationError(_("An administrator gets an API token only after setting up the second factor."))
    lifetime = token_lifetime(user)
    token, text = ApiToken.objects.create(user=user, expiry=lifetime, name=name.strip()[:100])
    _audit("api_token.created", actor=actor, user=user, token=token, name=token.name, expiry=token.expiry)
    return token, text


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: User | None) -> None:
    user = token.user
    _audit("api_token.revoked", actor=actor, user=user, token=token, name=token.name)
    token.delete()


@dataclass
class Refusal:
    message: str
    reason: str
    forbidden: bool = False  # 403 (the credential is fine, the account must act first) rather than 401


def token_refusal(token: ApiToken) -> Refusal | None:
    """Why ``token`` may not be used now, or None. Checked on every API request."""
    user = token.user
    if token.expired:
        return Refusal(_("This API token has expired. Create a new one on your profile page."), "expired")
    if not user.is_active:
        return Refusal(_("This account is inactive."), "inactive")
    if user.is_locked:
        return Refusal(_("This account is locked after too many failed logins."), "locked")
    if requires_second_factor(user) and (not user.totp_confirmed or token.expiry is None):
        message = _("An administrator's API token needs a confirmed second factor and an expiry. Create a new one.")
        return Refusal(message, "administrator")
    if password_expired(user):
        message = _("The password of this account has expired. Change it on the web page, then use the API again.")
        return Refusal(message, "password_expired", forbidden=True)
    return None


def token_refused(*, token: ApiToken, refusal: Refusal) -> None:
    _audit(
        "api_token.refused",
        actor=token.user,
        user=token.user,
        token=token,
        outcome=Outcome.FAILURE,
        reason=refusal.reason,
    )


def token_used(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used is None or now - token.last_used > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        token.last_used = now
