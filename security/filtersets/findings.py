"""Filters of the list of findings and rectification (the owner "me" is the reader)."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filtersets import yes_no_filter

from .. import choices as c
from ..models import Finding
from . import SystemRecordFilterSet

ME = [("me", _("Me"))]


class FindingFilterSet(SystemRecordFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=c.FindingStatus.choices)
    severity = django_filters.ChoiceFilter(label=_("Severity"), choices=c.Severity.choices)
    source = django_filters.ChoiceFilter(label=_("Source"), choices=c.FindingSource.choices)
    # Still open after its deadline (the escalation's rule).
    overdue = yes_no_filter(_("Overdue"), lambda: Q(status=c.FindingStatus.OPEN, deadline__lt=timezone.localdate()))
    owner = django_filters.ChoiceFilter(label=_("Owner"), choices=ME, method="filter_owner")
    search_fields = ("title", "asset", "reference", "external_id")

    class Meta:
        model = Finding
        fields = ["q", "status", "severity", "source", "system", "department", "within", "overdue", "owner"]

    def filter_owner(self, queryset, name, value):
        return queryset.filter(owner=self.request.user) if value == "me" and self.request else queryset
