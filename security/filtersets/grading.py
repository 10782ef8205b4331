"""Filters of the list of MLPS gradings."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filtersets import GovFilterSet, within, yes_no_filter

from ..choices import GradingState, Level
from ..models import Grading
from . import department_filter


def late() -> Q:
    """Filing, assessment or self-inspection past its date (the stored deadlines)."""
    today = timezone.localdate()
    return (
        (Q(filing_due__lt=today) & ~Q(state=GradingState.FILED))
        | Q(next_assessment_due__lt=today)
        | Q(next_self_inspection_due__lt=today)
    )


class GradingFilterSet(GovFilterSet):
    state = django_filters.ChoiceFilter(label=_("State"), choices=GradingState.choices)
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Level.choices)
    department = department_filter()
    within = within("system__owner_unit__path")
    needs_review = yes_no_filter(_("Needs review"), lambda: Q(needs_review=True))
    overdue = yes_no_filter(_("Overdue"), late)
    search_fields = ("system__name", "system__code", "filing_number")

    class Meta:
        model = Grading
        fields = ["q", "state", "level", "department", "within", "needs_review", "overdue"]
