"""Filters of the list of MLPS gradings."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filtersets import GovFilterSet
from core.models import Unit
from core.tree import subtree_q

from ..choices import GradingState, Level
from ..models import Grading

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class GradingFilterSet(GovFilterSet):
    state = django_filters.ChoiceFilter(label=_("State"), choices=GradingState.choices)
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Level.choices)
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), field_name="system__owner_unit", queryset=Unit.objects.all()
    )
    within = django_filters.ModelChoiceFilter(label=_("Within"), queryset=Unit.objects.all(), method="filter_within")
    needs_review = django_filters.ChoiceFilter(label=_("Needs review"), choices=YES_NO, method="filter_review")
    overdue = django_filters.ChoiceFilter(label=_("Overdue"), choices=YES_NO, method="filter_overdue")
    search_fields = ("system__name", "system__code", "filing_number")

    class Meta:
        model = Grading
        fields = ["q", "state", "level", "department", "within", "needs_review", "overdue"]

    def filter_within(self, queryset, name, value):
        return queryset.filter(subtree_q("system__owner_unit__path", value.path)) if value else queryset

    def filter_review(self, queryset, name, value):
        return queryset.filter(needs_review=value == "yes") if value else queryset

    def filter_overdue(self, queryset, name, value):
        """Filing, assessment or self-inspection past its date (the stored deadlines)."""
        if not value:
            return queryset
        today = timezone.localdate()
        late = (
            (Q(filing_due__lt=today) & ~Q(state=GradingState.FILED))
            | Q(next_assessment_due__lt=today)
            | Q(next_self_inspection_due__lt=today)
        )
        return queryset.filter(late) if value == "yes" else queryset.exclude(late)
