from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import GovModel

from .. import choices as c


class Grading(GovModel):
    """The MLPS grading of one system (GB/T 22240-2020) and its way through review, approval and filing.

    One per system: regrading reopens it (back to draft), and the audit trail keeps every earlier state. The
    deadlines are stored so that due-soon and overdue lists are plain indexed queries; they are recomputed whenever
    their inputs change (security.deadlines)."""

    system = models.OneToOneField(
        "inventory.System", verbose_name=_("information system"), on_delete=models.CASCADE, related_name="grading"
    )
    business_object = models.CharField(
        _("business information: object harmed"), max_length=16, choices=c.HarmObject.choices
    )
    business_degree = models.CharField(
        _("business information: degree of harm"), max_length=20, choices=c.HarmDegree.choices
    )
    service_object = models.CharField(_("system service: object harmed"), max_length=16, choices=c.HarmObject.choices)
    service_degree = models.CharField(_("system service: degree of harm"), max_length=20, choices=c.HarmDegree.choices)
    business_level = models.PositiveSmallIntegerField(_("business information level"), editable=False)
    service_level = models.PositiveSmallIntegerField(_("system service level"), editable=False)
    level = models.PositiveSmallIntegerField(_("level"), choices=c.Level.choices, editable=False)
    rationale = models.TextField(
        _("rationale"), help_text=_("Why these objects and degrees: the grading report's argument.")
    )
    state = models.CharField(
        _("state"), max_length=16, choices=c.GradingState.choices, default=c.GradingState.DRAFT, editable=False
    )
    graded_on = models.DateField(_("graded on"), null=True, blank=True, editable=False)
    approved_by_name = models.CharField(
        _("approved by (supervising department)"), max_length=100, blank=True, editable=False
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True, editable=False)
    filing_number = models.CharField(_("filing number"), max_length=60, blank=True, editable=False)
    certificate_date = models.DateField(_("certificate date"), null=True, blank=True, editable=False)
    filed_on = models.DateField(_("filed on"), null=True, blank=True, editable=False)
    rejection_reason = models.TextField(_("rejection reason"), blank=True, editable=False)
    needs_review = models.BooleanField(_("needs review"), default=False, editable=False)
    review_reason = models.TextField(_("why review"), blank=True, editable=False)
    filing_due = models.DateField(_("filing due"), null=True, blank=True, editable=False)
    filing_due_provisional = models.BooleanField(_("filing due date provisional"), default=False, editable=False)
    next_assessment_due = models.DateField(_("next assessment due"), null=True, blank=True, editable=False)
    next_self_inspection_due = models.DateField(_("next self-inspection due"), null=True, blank=True, editable=False)
    # Each submission opens a new expert review round; only the current round's opinions decide it.
    review_round = models.PositiveSmallIntegerField(_("review round"), default=0, editable=False)

    scope_path = "system__owner_unit__path"

    class Meta:
        ordering = ["system__code"]
        verbose_name = _("MLPS grading")
        verbose_name_plural = _("MLPS gradings")
        indexes = [
            models.Index(fields=["state", "filing_due"], name="sec_grading_filing_due"),
            models.Index(fields=["next_assessment_due"], name="sec_grading_assessment_due"),
            models.Index(fields=["next_self_inspection_due"], name="sec_grading_inspection_due"),
        ]

    def __str__(self) -> str:
        return str(self.system) if self.system_id else str(_("MLPS grading"))

    def get_absolute_url(self) -> str:
        return reverse("security:grading", args=[self.pk])


class ExpertOpinion(GovModel):
    """One expert's opinion in the expert review (专家评审) of a grading; required for level 2 and above.

    ``expert`` is the account that recorded it (an invited expert, or the CIO office entering a written opinion);
    ``expert_name`` is the expert as named in the review record."""

    grading = models.ForeignKey(Grading, verbose_name=_("grading"), on_delete=models.CASCADE, related_name="opinions")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("expert"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    expert_name = models.CharField(_("expert name"), max_length=50)
    expert_title = models.CharField(_("title and affiliation"), max_length=100, blank=True)
    conclusion = models.CharField(_("conclusion"), max_length=20, choices=c.Opinion.choices)
    suggested_level = models.PositiveSmallIntegerField(
        _("suggested level"), choices=c.Level.choices, null=True, blank=True
    )
    opinion = models.TextField(_("opinion"))
    given_on = models.DateField(_("date"))
    review_round = models.PositiveSmallIntegerField(_("review round"), default=0, editable=False)

    scope_path = "grading__system__owner_unit__path"

    class Meta:
        ordering = ["given_on", "pk"]
        verbose_name = _("expert opinion")
        verbose_name_plural = _("expert opinions")

    def __str__(self) -> str:
        return f"{self.expert_name}: {self.get_conclusion_display()}"

    def get_absolute_url(self) -> str:
        return self.grading.get_absolute_url()
