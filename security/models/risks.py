from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import GovModel

from .. import choices as c

ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]


class Risk(GovModel):
    """An entry of the risk register: likelihood × impact on a 5 × 5 matrix, the systems and data resources it
    concerns, and a treatment plan with an owner."""

    unit = models.ForeignKey("core.Unit", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    likelihood = models.PositiveSmallIntegerField(_("likelihood (1–5)"), validators=ONE_TO_FIVE)
    impact = models.PositiveSmallIntegerField(_("impact (1–5)"), validators=ONE_TO_FIVE)
    systems = models.ManyToManyField(
        "inventory.System", verbose_name=_("information systems"), blank=True, related_name="risks"
    )
    data_resources = models.ManyToManyField(
        "inventory.DataResource", verbose_name=_("data resources"), blank=True, related_name="risks"
    )
    treatment = models.CharField(_("treatment"), max_length=16, choices=c.Treatment.choices, default=c.Treatment.REDUCE)
    treatment_plan = models.TextField(_("treatment plan"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="security_risks",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=c.RiskStatus.choices, default=c.RiskStatus.OPEN)

    scope_path = "unit__path"

    class Meta:
        ordering = ["-likelihood", "-impact", "title"]
        verbose_name = _("risk")
        verbose_name_plural = _("risks")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("security:risk", args=[self.pk])

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def rating(self) -> str:
        """low 1–4, medium 5–9, high 10–16, extreme 20–25 (the usual 5 × 5 bands)."""
        return rating(self.score)


def rating(score: int) -> str:
    if score >= 20:
        return "extreme"
    if score >= 10:
        return "high"
    if score >= 5:
        return "medium"
    return "low"
