"""Forms of MLPS grading and filing: the grading itself and one small form per workflow
step. Systems are offered only where the user may add a grading and only while they have none."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import GovModelForm
from inventory.models import System

from ..models import ExpertOpinion, Grading

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def gradable_systems(user):
    """Systems where the user may add a grading (the gate's grants for gradings laid on the systems they see) that
    have none yet."""
    systems = System.objects.restrict(user, "view").restrict(user, "add", grants_of=Grading)
    return systems.filter(grading__isnull=True).select_related("owner_unit")


class GradingForm(GovModelForm):
    """The two harms, each as (object harmed × degree); the levels are computed, never typed."""

    class Meta:
        model = Grading
        fields = ["system", "business_object", "business_degree", "service_object", "service_degree", "rationale"]
        widgets = {"rationale": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["system"].queryset = System.objects.restrict(self.user, "view").filter(
                pk=self.instance.system_id
            )
            self.fields["system"].disabled = True
        else:
            self.fields["system"].queryset = gradable_systems(self.user)
            self.fields["system"].help_text = _("Systems in your units that have no grading yet.")
        # The autocomplete would offer systems that already have a grading; the plain select holds only the rest.
        self.fields["system"].widget = forms.Select(attrs={"class": "form-select"})
        self.fields["system"].widget.choices = self.fields["system"].choices
        for name in ("business_object", "business_degree", "service_object", "service_degree"):
            self.fields[name].widget.attrs["data-harm"] = name


class ExpertOpinionForm(GovModelForm):
    class Meta:
        model = ExpertOpinion
        fields = ["expert_name", "expert_title", "conclusion", "suggested_level", "opinion", "given_on"]
        widgets = {"given_on": DATE, "opinion": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("version")
        if self.user is not None and not self.is_bound:
            self.initial.setdefault("expert_name", self.user.full_name or self.user.get_username())
            self.initial.setdefault("given_on", timezone.localdate())


class GradingStepForm(forms.Form):
    """Carries the version the user saw, so a step on a grading someone else just moved is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("rows", 3)
            if not isinstance(field.widget, forms.HiddenInput):
                field.widget.attrs.setdefault("class", "form-control")


class GradingApproveForm(GradingStepForm):
    approved_by_name = forms.CharField(
        label=_("Approved by (supervising department)"), max_length=100, help_text=_("e.g. 甲县委网信办")
    )
    approved_on = forms.DateField(label=_("Approved on"), widget=DATE, initial=timezone.localdate)


class GradingFileForm(GradingStepForm):
    filing_number = forms.CharField(label=_("Filing number"), max_length=60)
    certificate_date = forms.DateField(label=_("Certificate date"), widget=DATE)
    filed_on = forms.DateField(label=_("Filed on"), widget=DATE, initial=timezone.localdate)
    certificate = forms.FileField(
        label=_("Filing certificate (scan)"), required=False, help_text=_("PDF or image of the certificate.")
    )


class GradingRejectForm(GradingStepForm):
    reason = forms.CharField(label=_("Reason for the rejection"), widget=forms.Textarea)


class GradingRegradeForm(GradingStepForm):
    reason = forms.CharField(label=_("Why regrade"), widget=forms.Textarea, required=False)
