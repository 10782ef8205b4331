"""Forms of MLPS assessments / self-inspections and crypto assessments (DOMAIN.md §3)."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core import files
from core.forms import DATE, FieldsetForm
from core.models import Unit

from .. import choices as c
from .. import crypto
from ..models import Assessment, CryptoAssessment
from ..services.assessments import default_crypto_level, mlps_level_of
from ..tables.assessments import REQUIREMENT_MARKS


def report_field() -> forms.FileField:
    return forms.FileField(label=_("Report file"), required=False)


class ReportFormMixin:
    """The optional report file, checked by its bytes and size (core.files) before anything is saved; and the
    systems offered are those where the user may add (new) or change (existing) this kind of record."""

    def prepare_fields(self) -> None:
        self.fields["report"].help_text = format_lazy(
            _("Optional. Accepted: {types}; at most {mb} MB. The SM3 digest is kept."),
            types=files.accepted_suffixes(),
            mb=files.max_bytes() // 1048576,
        )
        self.limit_choices("system")

    def clean_report(self):
        upload = self.cleaned_data.get("report")
        if upload:
            files.check_upload(upload)
        return upload


class AssessmentForm(ReportFormMixin, FieldsetForm):
    fieldsets = [
        (_("Assessment"), [("system", "kind"), ("level", "assessed_on"), "institution"]),
        (_("Result"), [("score", "conclusion"), "summary", "report"]),
    ]
    report = report_field()

    class Meta:
        model = Assessment
        fields = ["system", "kind", "level", "institution", "assessed_on", "score", "conclusion", "summary"]
        widgets = {"assessed_on": DATE}
        help_texts = {
            "level": _("Leave empty to take the system's MLPS level."),
            "institution": _("The MLPS assessment institution; for a self-inspection, who carried it out."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prepare_fields()
        self.fields["level"].required = False

    def clean(self):
        data = super().clean()
        system = data.get("system")
        if system is not None and not data.get("level"):
            data["level"] = mlps_level_of(system)
            if not data["level"]:
                self.add_error("level", _("The system has no MLPS level yet: choose the level assessed."))
        return data


STATUS_CHOICES = [("", "—"), *c.ItemStatus.choices]


class CryptoAssessmentForm(ReportFormMixin, FieldsetForm):
    """The assessment, and a status and note per application-and-data item a–h (GB/T 39786-2021 §8.4)."""

    fieldsets = [
        (_("Crypto assessment"), [("system", "kind"), ("level", "assessed_on"), "institution"]),
        (_("Result"), [("score", "conclusion"), "summary", "report"]),
    ]
    report = report_field()

    class Meta:
        model = CryptoAssessment
        fields = ["system", "kind", "level", "institution", "assessed_on", "score", "conclusion", "summary"]
        widgets = {"assessed_on": DATE}
        help_texts = {"level": _("Leave empty to take the level aligned with the system's MLPS level.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prepare_fields()
        self.fields["level"].required = False
        current = {row.item: row for row in self.instance.items.all()} if self.instance.pk else {}
        for code in crypto.ITEMS:
            row = current.get(code)
            self.fields[f"status_{code}"] = forms.ChoiceField(
                label=format_lazy(_("Item {code} status"), code=code),
                choices=STATUS_CHOICES,
                required=False,
                initial=row.status if row else c.ItemStatus.NOT_ASSESSED,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            self.fields[f"note_{code}"] = forms.CharField(
                label=format_lazy(_("Item {code} note"), code=code),
                max_length=200,
                required=False,
                initial=row.note if row else "",
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            )

    def clean(self):
        data = super().clean()
        system = data.get("system")
        if system is not None and not data.get("level"):
            data["level"] = default_crypto_level(system)
            if not data["level"]:
                self.add_error("level", _("The system has no MLPS level yet: choose the crypto level."))
        return data

    def items(self) -> dict:
        """{item: {"status", "note"}} for the items the page sent; an empty status keeps the stored one."""
        result = {}
        for code in crypto.ITEMS:
            status = self.cleaned_data.get(f"status_{code}")
            if status:
                result[code] = {"status": status, "note": self.cleaned_data.get(f"note_{code}", "")}
        return result

    def shown_level(self) -> int | None:
        value = self["level"].value()
        try:
            return int(value) if value else self.instance.level or None
        except (TypeError, ValueError):
            return None

    @property
    def requirements(self) -> dict:
        """应/宜/可 per level and item, for the page to follow a change of level."""
        return {level: {code: str(req) for code, req in crypto.REQUIREMENTS[level].items()} for level in crypto.LEVELS}

    def checklist(self) -> list[dict]:
        """The checklist for the level on the page: item, description, 应/宜/可, algorithms, and its two fields."""
        level = self.shown_level()
        return [
            {
                "code": code,
                "text": crypto.ITEMS[code],
                "requirement": crypto.requirement(level, code) if level in crypto.LEVELS else "",
                "mark": REQUIREMENT_MARKS.get(crypto.requirement(level, code), "—") if level in crypto.LEVELS else "—",
                "algorithms": crypto.ALGORITHMS[code],
                "status": self[f"status_{code}"],
                "note": self[f"note_{code}"],
            }
            for code in crypto.ITEMS
        ]


# Filters -----------------------------------------------------------------------------------------------------------


class CryptoStatusFilterForm(forms.Form):
    """Filters of the crypto compliance page (a page over systems, not a list of one model)."""

    q = forms.CharField(label=_("Search"), required=False)
    within = forms.ModelChoiceField(label=_("Within"), queryset=Unit.objects.none(), required=False)
    attention = forms.BooleanField(label=_("Only systems needing attention"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from core.widgets import use_autocomplete

        self.fields["within"].queryset = Unit.objects.restrict(user, "view")
        use_autocomplete(self.fields["within"])
        for field in self.fields.values():
            widget = field.widget
            css = "form-check-input" if isinstance(widget, forms.CheckboxInput) else "form-control"
            if isinstance(widget, forms.Select):
                css = "form-select"
            widget.attrs.setdefault("class", css)
