"""Filters of the risk register: ``likelihood`` and ``impact`` together are one cell of the heat map."""

import django_filters
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.filtersets import GovFilterSet, record_filter, within, yes_no_filter
from core.models import Unit
from inventory.models import System

from .. import choices as c
from ..models import Risk
from ..models.risks import rating

SCORES = sorted({likelihood * impact for likelihood in range(1, 6) for impact in range(1, 6)})


def scores_rated(band: str) -> list[int]:
    """The products of the 5 × 5 matrix that fall in ``band`` (as ``rating()`` decides)."""
    return [score for score in SCORES if rating(score) == band]


class RiskFilterSet(GovFilterSet):
    """``likelihood`` and ``impact`` together are one cell of the heat map; ``rating`` is a band of cells."""

    unit = django_filters.ModelChoiceFilter(label=_("Department"), queryset=Unit.objects.all())
    within = within("unit__path")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=c.RiskStatus.choices)
    rating = django_filters.ChoiceFilter(label=_("Rating"), choices=c.RiskRating.choices, method="filter_rating")
    likelihood = django_filters.ChoiceFilter(label=_("Likelihood"), choices=c.Likelihood.choices)
    impact = django_filters.ChoiceFilter(label=pgettext_lazy("risk", "Impact"), choices=c.Impact.choices)
    treatment = django_filters.ChoiceFilter(label=_("Treatment"), choices=c.Treatment.choices)
    system = record_filter(System, _("Information system"), "systems")
    # Not closed and past its due date.
    overdue = yes_no_filter(
        _("Past due"), lambda: Q(due_date__lt=timezone.localdate()) & ~Q(status=c.RiskStatus.CLOSED)
    )
    search_fields = ("title", "description", "treatment_plan")

    class Meta:
        model = Risk
        fields = ["q", "unit", "within", "status", "rating", "likelihood", "impact", "treatment", "system", "overdue"]

    def filter_rating(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.alias(score=F("likelihood") * F("impact")).filter(score__in=scores_rated(value))
