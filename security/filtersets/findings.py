"""Filters of the list of findings and rectification (the owner "me" is the reader)."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filtersets import YES_NO, GovFilterSet, record_filter, within
from core.models import Unit
from inventory.models import System

from .. import choices as c
from ..models import Finding

ME = [("me", _("Me"))]


class FindingFilterSet(GovFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=c.FindingStatus.choices)
    severity = django_filters.ChoiceFilter(label=_("Severity"), choices=c.Severity.choices)
    source = django_filters.ChoiceFilter(label=_("Source"), choices=c.FindingSource.choices)
    system = record_filter(System, _("Information system"), "system")
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), field_name="system__owner_unit", queryset=Unit.objects.all()
    )
    within = within("system__owner_unit__path")
    overdue = django_filters.ChoiceFilter(label=_("Overdue"), choices=YES_NO, method="filter_overdue")
    owner = django_filters.ChoiceFilter(label=_("Owner"), choices=ME, method="filter_owner")
    search_fields = ("title", "asset", "reference", "external_id")

    class Meta:
        model = Finding
        fields = ["q", "status", "severity", "source", "system", "department", "within", "overdue", "owner"]

    def filter_overdue(self, queryset, name, value):
        """Overdue: still open after its deadline (the escalation's rule)."""
        late = Q(status=c.FindingStatus.OPEN, deadline__lt=timezone.localdate())
        if value == "yes":
            return queryset.filter(late)
        if value == "no":
            return queryset.exclude(late)
        return queryset

    def filter_owner(self, queryset, name, value):
        return queryset.filter(owner=self.request.user) if value == "me" and self.request else queryset
