from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken

from core.crypto import mask, sm4_decrypt, sm4_encrypt
from core.models.base import RestrictedQuerySet


class UserQuerySet(RestrictedQuerySet):
    pass


class GovUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    def create_user(self, username, email=None, password=None, **extra_fields):
        """A new account; a password given here is new, so its age starts now (``services.password_expired``)."""
        if password is not None:
            extra_fields.setdefault("password_changed_at", timezone.now())
        return super().create_user(username, email, password, **extra_fields)


class User(AbstractUser):
    """An account. Personal data is kept to what modules need; phone and ID numbers are SM4-encrypted at rest."""

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    title = models.CharField(_("position"), max_length=50, blank=True)
    phone_encrypted = models.CharField(max_length=200, blank=True, editable=False)
    id_number_encrypted = models.CharField(max_length=200, blank=True, editable=False)
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True, editable=False)
    failed_logins = models.PositiveSmallIntegerField(default=0, editable=False)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True, editable=False)
    totp_secret_encrypted = models.CharField(max_length=200, blank=True, editable=False)
    totp_confirmed = models.BooleanField(_("second factor enabled"), default=False, editable=False)
    recovery_codes = models.JSONField(default=list, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = GovUserManager()
    scope_path = "unit__path"
    hidden_name = _("Someone in another unit")  # a person the reader may not see (core.names)
    audit_exclude = (
        "password",
        "last_login",
        "phone_encrypted",
        "id_number_encrypted",
        "totp_secret_encrypted",
        "recovery_codes",
        "failed_logins",
        "locked_until",
        "version",
        "first_name",
        "last_name",
    )

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_absolute_url(self) -> str:
        return reverse("accounts:user", args=[self.pk])

    # Encrypted personal data -------------------------------------------------------------------------------
    @property
    def phone(self) -> str:
        return sm4_decrypt(self.phone_encrypted)

    @phone.setter
    def phone(self, value: str) -> None:
        self.phone_encrypted = sm4_encrypt(value or "")

    @property
    def phone_masked(self) -> str:
        return mask(self.phone) if self.phone_encrypted else ""

    @property
    def id_number(self) -> str:
        return sm4_decrypt(self.id_number_encrypted)

    @id_number.setter
    def id_number(self, value: str) -> None:
        self.id_number_encrypted = sm4_encrypt(value or "")

    @property
    def id_number_masked(self) -> str:
        return mask(self.id_number, 4, 4) if self.id_number_encrypted else ""

    @property
    def totp_secret(self) -> str:
        return sm4_decrypt(self.totp_secret_encrypted)

    @totp_secret.setter
    def totp_secret(self, value: str) -> None:
        self.totp_secret_encrypted = sm4_encrypt(value or "")

    # Login state -------------------------------------------------------------------------------------------
    @property
    def is_locked(self) -> bool:
        return bool(self.locked_until and self.locked_until > timezone.now())


class AuthThrottle(models.Model):
    """Failed sign-in attempts (passwords and second-factor codes) from one client address in the current window.

    Kept in the database so that every worker process and every app server counts into the same row."""

    key = models.CharField(max_length=100, unique=True)
    window_start = models.DateTimeField(db_index=True)
    failures = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["key"]
        verbose_name = _("sign-in throttle")
        verbose_name_plural = _("sign-in throttles")

    def __str__(self) -> str:
        return f"{self.key}: {self.failures}"


class ApiToken(AbstractAuthToken):
    """An API token (django-rest-knox): only its SHA-512 digest and a short lookup prefix are stored; the token is
    shown once when made. Who may have one and for how long is decided in ``accounts.tokens``."""

    name = models.CharField(_("name"), max_length=100, blank=True)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def prefix(self) -> str:
        """The first characters of the token, to tell one's tokens apart."""
        return self.token_key[:8]

    @property
    def expired(self) -> bool:
        return self.expiry is not None and self.expiry <= timezone.now()
