from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import GovModel

from .. import choices as c

SCORE = [MinValueValidator(0), MaxValueValidator(100)]


class Assessment(GovModel):
    """An MLPS assessment (等级测评) by an institution, or the operator's own self-inspection (自查)."""

    system = models.ForeignKey(
        "inventory.System", verbose_name=_("information system"), on_delete=models.CASCADE, related_name="assessments"
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=c.AssessmentKind.choices, default=c.AssessmentKind.ASSESSMENT
    )
    level = models.PositiveSmallIntegerField(_("level assessed"), choices=c.Level.choices)
    institution = models.CharField(_("institution"), max_length=100, blank=True)
    assessed_on = models.DateField(_("date"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True, validators=SCORE)
    conclusion = models.CharField(_("conclusion"), max_length=16, choices=c.Conclusion.choices)
    summary = models.TextField(_("summary"), blank=True)

    scope_path = "system__owner_unit__path"

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        verbose_name = _("MLPS assessment")
        verbose_name_plural = _("MLPS assessments")
        indexes = [models.Index(fields=["system", "kind", "assessed_on"], name="sec_assessment_latest")]

    def __str__(self) -> str:
        return f"{self.system} · {self.get_kind_display()} · {self.assessed_on}"

    def get_absolute_url(self) -> str:
        return reverse("security:assessment", args=[self.pk])


class CryptoAssessment(GovModel):
    """A commercial-crypto application assessment (密评, GB/T 39786-2021) with its result for items a–h."""

    system = models.ForeignKey(
        "inventory.System",
        verbose_name=_("information system"),
        on_delete=models.CASCADE,
        related_name="crypto_assessments",
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=c.CryptoAssessmentKind.choices, default=c.CryptoAssessmentKind.PERIODIC
    )
    level = models.PositiveSmallIntegerField(_("crypto level"), choices=[(n, n) for n in (1, 2, 3, 4)])
    institution = models.CharField(_("institution"), max_length=100, blank=True)
    assessed_on = models.DateField(_("date"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True, validators=SCORE)
    conclusion = models.CharField(_("conclusion"), max_length=16, choices=c.Conclusion.choices)
    next_due = models.DateField(_("next assessment due"), null=True, blank=True, editable=False)
    summary = models.TextField(_("summary"), blank=True)

    scope_path = "system__owner_unit__path"

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        verbose_name = _("crypto assessment")
        verbose_name_plural = _("crypto assessments")
        indexes = [models.Index(fields=["system", "assessed_on"], name="sec_crypto_latest")]

    def __str__(self) -> str:
        return f"{self.system} · {self.assessed_on}"

    def get_absolute_url(self) -> str:
        return reverse("security:cryptoassessment", args=[self.pk])


class CryptoItemResult(models.Model):
    """The status of one application-and-data item (a–h) in a crypto assessment; the requirement (应/宜/可) is the
    one the level asked at the time."""

    assessment = models.ForeignKey(CryptoAssessment, on_delete=models.CASCADE, related_name="items")
    item = models.CharField(_("item"), max_length=1)
    requirement = models.CharField(_("requirement"), max_length=8, choices=c.Requirement.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=c.ItemStatus.choices, default=c.ItemStatus.NOT_ASSESSED
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["assessment", "item"]
        constraints = [models.UniqueConstraint(fields=["assessment", "item"], name="sec_crypto_item_once")]

    def __str__(self) -> str:
        return f"{self.item}: {self.get_status_display()}"
