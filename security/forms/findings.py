"""Forms of findings and rectification (问题与整改): the finding, the workflow steps (rectify with evidence files,
verify, reject) and the scanner column mapping. The list's filters are in ``security.filtersets.findings``."""

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core import files
from core.forms import DATE, FieldsetForm, GovModelForm
from inventory.models import System

from .. import choices as c
from .. import deadlines, scanner
from ..models import Assessment, CryptoAssessment, Finding, ScannerMapping, SecurityPolicy
from ..services.findings import was_policy_deadline


class FindingForm(FieldsetForm):
    """The deadline may be left empty: it then follows the severity by the government's policy (shown)."""

    fieldsets = [
        (_("Finding"), [("system", "source"), "title", ("severity", "found_on"), "description"]),
        (_("Where"), [("asset", "reference", "external_id"), ("assessment", "crypto_assessment")]),
        (_("Rectification"), [("owner", "deadline")]),
    ]

    class Meta:
        model = Finding
        fields = [
            "system",
            "source",
            "assessment",
            "crypto_assessment",
            "title",
            "description",
            "severity",
            "asset",
            "reference",
            "external_id",
            "found_on",
            "owner",
            "deadline",
        ]
        widgets = {"found_on": DATE, "deadline": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_choices("system")
        if not self.instance.pk:
            self.fields["found_on"].initial = timezone.localdate()
        elif self.instance.deadline and was_policy_deadline(
            {
                "deadline": self.instance.deadline,
                "found_on": self.instance.found_on,
                "severity": self.instance.severity,
            },
            self.instance.system,
        ):
            self.initial["deadline"] = None  # shown empty: it follows the policy
        self.fields["deadline"].help_text = _("Leave empty to follow the policy for the severity (see below).")
        self.fields["owner"].help_text = _("Who answers for the rectification.")
        self.limit_links()

    def system_id(self):
        value = self.data.get("system") if self.is_bound else self.initial.get("system")
        value = getattr(value, "pk", value) or self.instance.system_id
        return int(value) if str(value or "").isdigit() else None

    def limit_links(self) -> None:
        """Assessments to link are those of the chosen system (the list stays short; the service checks again)."""
        system_id = self.system_id()
        for name, model in (("assessment", Assessment), ("crypto_assessment", CryptoAssessment)):
            queryset = model.objects.restrict(self.user, "view").select_related("system")
            self.fields[name].queryset = queryset.filter(system_id=system_id) if system_id else queryset.none()
            self.fields[name].widget = forms.Select(attrs={"class": "form-select"})
            self.fields[name].widget.choices = self.fields[name].choices

    def policy_rows(self):
        """(severity, days, counted in, deadline) for the day found: the policy's defaults, shown on the form."""
        # The posted key through the gate: a system outside scope shows the user's own government's policy.
        visible = System.objects.restrict(self.user, "view").select_related("owner_unit")
        system = visible.filter(pk=self.system_id()).first()
        path = system.owner_unit.path if system else getattr(getattr(self.user, "unit", None), "path", "")
        policy = SecurityPolicy.for_path(path)
        found_on = self.instance.found_on or timezone.localdate()
        if self.is_bound and self.is_valid() and self.cleaned_data.get("found_on"):
            found_on = self.cleaned_data["found_on"]
        kind = c.DeadlineKind(policy.finding_deadline_kind).label
        for severity in c.Severity:
            due = deadlines.finding_deadline(severity, found_on=found_on, policy=policy)
            yield severity.label, policy.finding_days(severity), kind, due


# Workflow steps ---------------------------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe); each is checked by core.files."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class FindingStepForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class FindingRectifyForm(FindingStepForm):
    rectification = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"})
    )
    evidence = MultipleFileField(
        label=_("Evidence files"),
        required=False,
        help_text=format_lazy(
            _("Screenshots, a retest report… Several files at once. Accepted: {types}; at most {mb} MB each."),
            types=files.accepted_suffixes(),
            mb=files.max_bytes() // 1048576,
        ),
    )

    def clean_evidence(self):
        uploads = self.cleaned_data.get("evidence") or []
        for upload in uploads:
            files.check_upload(upload)
        return uploads


class FindingVerifyForm(FindingStepForm):
    note = forms.CharField(
        label=_("Verification note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class FindingRejectForm(FindingStepForm):
    note = forms.CharField(
        label=_("Why the rectification does not hold"),
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


# Scanner column mappings ------------------------------------------------------------------------------------------


def words_field(**kwargs):
    return forms.CharField(
        label=_("Severity words"),
        widget=forms.Textarea(attrs={"rows": 8, "class": "form-control font-monospace"}),
        help_text=_(
            "One per line: the scanner's word = our severity (critical, high, medium, low or their names), or skip "
            "for informational entries. Rows with a word not listed are reported."
        ),
        **kwargs,
    )


class ScannerMappingForm(FieldsetForm):
    """Columns by the header the scanner writes; the severity words as ``word = severity`` lines."""

    words = words_field()

    class Meta:
        model = ScannerMapping
        fields = ["name", "unit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_choices("unit")
        for target in scanner.TARGETS:
            self.fields[f"column_{target.name}"] = forms.CharField(
                label=target.label,
                required=target.required,
                max_length=200,
                initial=(self.instance.columns or {}).get(target.name, ""),
                widget=forms.TextInput(attrs={"class": "form-control"}),
                help_text=_("The column's header in the scanner's file."),
            )
        self.fields["words"].initial = scanner.words_text(self.instance.severities or scanner.DEFAULT_WORDS)
        self.fieldsets = [
            (_("Mapping"), [("name", "unit")]),
            (_("Columns"), [tuple(f"column_{t.name}" for t in scanner.TARGETS[i : i + 3]) for i in range(0, 9, 3)]),
            (_("Severity words"), ["words"]),
        ]

    def clean_words(self):
        return scanner.parse_words(self.cleaned_data["words"])

    def save(self, commit=True):
        mapping = super().save(commit=False)
        data = self.cleaned_data
        mapping.columns = {t.name: data[f"column_{t.name}"] for t in scanner.TARGETS if data.get(f"column_{t.name}")}
        mapping.severities = data["words"]
        return mapping


class FindingBulkForm(GovModelForm):
    class Meta:
        model = Finding
        fields = ["owner", "severity"]
