from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.choices import Action

from .base import GovModel


class Role(models.Model):
    """A named set of (model, action) permissions. Built-in roles are synced from ``core/roles.yaml``."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    description = models.TextField(_("description"), blank=True)
    builtin = models.BooleanField(_("built-in"), default=False)
    admin_role = models.BooleanField(
        _("separated administrator"), default=False, help_text=_("One of the three separated administrators.")
    )
    requires_second_factor = models.BooleanField(_("requires second factor"), default=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self) -> str:
        return str(_(self.name))


class RolePermission(models.Model):
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="permissions")
    model = models.CharField(_("model"), max_length=64, help_text=_("app_label.model"))
    action = models.CharField(_("action"), max_length=16)

    class Meta:
        ordering = ["role", "model", "action"]
        unique_together = [("role", "model", "action")]
        verbose_name = _("role permission")
        verbose_name_plural = _("role permissions")

    def __str__(self) -> str:
        return f"{self.role.code}: {self.model}.{self.action}"


class RoleAssignment(GovModel):
    """A user holds a role at a unit, optionally over the unit's whole subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="assignments"
    )
    role = models.ForeignKey(Role, verbose_name=_("role"), on_delete=models.PROTECT, related_name="assignments")
    unit = models.ForeignKey("core.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="assignments")
    include_descendants = models.BooleanField(_("include subordinate units"), default=True)

    class Meta:
        ordering = ["user", "role", "unit__path"]
        unique_together = [("user", "role", "unit")]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")

    def __str__(self) -> str:
        suffix = _(" and below") if self.include_descendants else ""
        return f"{self.user} · {self.role} @ {self.unit}{suffix}"


ACTIONS = [a.value for a in Action]
