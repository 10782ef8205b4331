"""The risk register's form. Units, systems, data resources and owners are chosen among those the user
may see (GovModelForm restricts every choice; searchable models get the gated autocomplete)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import DATE, FieldsetForm

from .. import choices as c
from ..models import Risk


class RiskForm(FieldsetForm):
    fieldsets = [
        (_("Risk"), ["title", "unit", "description"]),
        (_("Rating"), [("likelihood", "impact")]),
        (_("What it concerns"), ["systems", "data_resources"]),
        (_("Treatment"), [("treatment", "status"), "treatment_plan", ("owner", "due_date")]),
    ]

    class Meta:
        model = Risk
        fields = [
            "title",
            "unit",
            "description",
            "likelihood",
            "impact",
            "systems",
            "data_resources",
            "treatment",
            "treatment_plan",
            "owner",
            "due_date",
            "status",
        ]
        widgets = {"due_date": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_choices("unit")
        for name, choices, label in (
            ("likelihood", c.Likelihood.choices, _("Likelihood")),
            ("impact", c.Impact.choices, pgettext_lazy("risk", "Impact")),
        ):
            if name in self.fields:  # the model's 1–5 validators stay; the page offers the named steps
                self.fields[name].label = label
                options = [("", "---------"), *choices]
                self.fields[name].widget = forms.Select(choices=options, attrs={"class": "form-select"})
        for name, hint in (
            ("systems", _("Type a name or code to add a system.")),
            ("data_resources", _("Type a name or code to add a data resource.")),
        ):
            if name in self.fields:
                self.fields[name].help_text = hint
