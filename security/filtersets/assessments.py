"""Filters of the lists of MLPS assessments / self-inspections and crypto assessments."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.filtersets import GovFilterSet, record_filter, within
from core.models import Unit
from inventory.models import System

from .. import choices as c
from .. import crypto
from ..models import Assessment, CryptoAssessment


def date_filter(label, lookup: str):
    return django_filters.DateFilter(
        label=label, field_name="assessed_on", lookup_expr=lookup, widget=forms.DateInput(attrs={"type": "date"})
    )


class AssessmentFilterSet(GovFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=c.AssessmentKind.choices)
    conclusion = django_filters.ChoiceFilter(label=_("Conclusion"), choices=c.Conclusion.choices)
    level = django_filters.ChoiceFilter(label=_("Level"), choices=c.Level.choices)
    system = record_filter(System, _("Information system"), "system")
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), field_name="system__owner_unit", queryset=Unit.objects.all()
    )
    within = within("system__owner_unit__path")
    since = date_filter(_("From"), "gte")
    until = date_filter(_("To"), "lte")
    search_fields = ("system__name", "system__code", "institution")

    class Meta:
        model = Assessment
        fields = ["q", "kind", "conclusion", "level", "system", "department", "within", "since", "until"]


class CryptoAssessmentFilterSet(GovFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=c.CryptoAssessmentKind.choices)
    conclusion = django_filters.ChoiceFilter(label=_("Conclusion"), choices=c.Conclusion.choices)
    level = django_filters.ChoiceFilter(label=_("Crypto level"), choices=[(n, n) for n in crypto.LEVELS])
    system = record_filter(System, _("Information system"), "system")
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), field_name="system__owner_unit", queryset=Unit.objects.all()
    )
    within = within("system__owner_unit__path")
    since = date_filter(_("From"), "gte")
    until = date_filter(_("To"), "lte")
    search_fields = ("system__name", "system__code", "institution")

    class Meta:
        model = CryptoAssessment
        fields = ["q", "kind", "conclusion", "level", "system", "department", "within", "since", "until"]
