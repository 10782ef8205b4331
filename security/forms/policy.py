from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.choices import GOVERNMENT_KINDS
from core.forms import GovModelForm

from ..models import SecurityPolicy


class SecurityPolicyForm(GovModelForm):
    class Meta:
        model = SecurityPolicy
        fields = [
            "unit",
            "citizen_especially_serious_level",
            "filing_deadline_kind",
            "filing_deadline_days",
            "level2_assessment_months",
            "self_inspection_months",
            "crypto_assessment_months",
            "due_soon_days",
            "finding_deadline_kind",
            "finding_days_critical",
            "finding_days_high",
            "finding_days_medium",
            "finding_days_low",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_choices("unit")
        self.fields["unit"].queryset = self.fields["unit"].queryset.filter(kind__in=GOVERNMENT_KINDS)
        if self.instance.pk:
            self.fields["unit"].disabled = True

    def clean_unit(self):
        unit = self.cleaned_data["unit"]
        if unit and not unit.is_government:
            raise ValidationError(_("A security policy belongs to a government (county, township…), not a department."))
        return unit
