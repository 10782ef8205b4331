from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import GovModel
from core.tree import ancestor_paths

from .. import choices as c


def days_field(label, default, help_text=""):
    return models.PositiveSmallIntegerField(
        label, default=default, validators=[MinValueValidator(1), MaxValueValidator(365)], help_text=help_text
    )


class SecurityPolicy(GovModel):
    """A government's settings for the rules that leave room (DOMAIN.md §3). Units below a government use the
    nearest government's policy; without one, the defaults of the field apply."""

    unit = models.OneToOneField(
        "core.Unit", verbose_name=_("government"), on_delete=models.CASCADE, related_name="security_policy"
    )
    citizen_especially_serious_level = models.PositiveSmallIntegerField(
        _("level for especially serious harm to citizens"),
        choices=[(2, _("Level 2 (GB/T 22240-2020)")), (3, _("Level 3 (2018 draft regulation)"))],
        default=2,
    )
    filing_deadline_kind = models.CharField(
        _("filing deadline counted in"), max_length=16, choices=c.DeadlineKind.choices, default=c.DeadlineKind.CALENDAR
    )
    filing_deadline_days = days_field(
        _("filing deadline (days)"),
        30,
        _("公通字[2007]43号 art. 15: 30 days; some localities require 10 working days."),
    )
    level2_assessment_months = models.PositiveSmallIntegerField(
        _("level 2 assessment cycle (months)"), default=24, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    self_inspection_months = models.PositiveSmallIntegerField(
        _("self-inspection cycle (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
        help_text=_("Level 4 systems self-inspect every six months whatever this says."),
    )
    crypto_assessment_months = models.PositiveSmallIntegerField(
        _("crypto assessment cycle for important systems (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
    )
    due_soon_days = days_field(_("“due soon” window (days)"), 30)
    finding_deadline_kind = models.CharField(
        _("finding deadlines counted in"), max_length=16, choices=c.DeadlineKind.choices, default=c.DeadlineKind.WORKING
    )
    finding_days_critical = days_field(_("days to rectify a critical finding"), 5)
    finding_days_high = days_field(_("days to rectify a high finding"), 15)
    finding_days_medium = days_field(_("days to rectify a medium finding"), 30)
    finding_days_low = days_field(_("days to rectify a low finding"), 60)

    scope_path = "unit__path"

    class Meta:
        ordering = ["unit__path"]
        verbose_name = _("security policy")
        verbose_name_plural = _("security policies")

    def __str__(self) -> str:
        return str(self.unit) if self.unit_id else str(_("Default security policy"))

    def get_absolute_url(self) -> str:
        return reverse("security:securitypolicy", args=[self.pk])

    def finding_days(self, severity: str) -> int:
        return getattr(self, f"finding_days_{severity}")

    @classmethod
    def for_path(cls, path: str) -> "SecurityPolicy":
        """The policy of the nearest government at or above ``path``; an unsaved default when there is none."""
        paths = [*ancestor_paths(path), path] if path else []
        found = {p.unit.path: p for p in cls.objects.filter(unit__path__in=paths).select_related("unit")}
        for candidate in reversed(paths):
            if candidate in found:
                return found[candidate]
        return cls()
