"""Filters of the lists of MLPS assessments / self-inspections and crypto assessments."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .. import choices as c
from .. import crypto
from ..models import Assessment, CryptoAssessment
from . import SystemRecordFilterSet


def date_filter(label, lookup: str):
    return django_filters.DateFilter(
        label=label, field_name="assessed_on", lookup_expr=lookup, widget=forms.DateInput(attrs={"type": "date"})
    )


class AssessmentFilterSet(SystemRecordFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=c.AssessmentKind.choices)
    conclusion = django_filters.ChoiceFilter(label=_("Conclusion"), choices=c.Conclusion.choices)
    level = django_filters.ChoiceFilter(label=_("Level"), choices=c.Level.choices)
    since = date_filter(_("From"), "gte")
    until = date_filter(_("To"), "lte")
    search_fields = ("system__name", "system__code", "institution")

    class Meta:
        model = Assessment
        fields = ["q", "kind", "conclusion", "level", "system", "department", "within", "since", "until"]


class CryptoAssessmentFilterSet(AssessmentFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=c.CryptoAssessmentKind.choices)
    level = django_filters.ChoiceFilter(label=_("Crypto level"), choices=[(n, n) for n in crypto.LEVELS])

    class Meta(AssessmentFilterSet.Meta):
        model = CryptoAssessment
