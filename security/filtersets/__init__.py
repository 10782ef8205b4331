"""Filters of the security lists (``GovFilterSet``: choices through the gate, a search box, "within a unit")."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filtersets import GovFilterSet, record_filter, within
from core.models import Unit
from inventory.models import System


def department_filter():
    """The department that owns the record's information system."""
    return django_filters.ModelChoiceFilter(
        label=_("Department"), field_name="system__owner_unit", queryset=Unit.objects.all()
    )


class SystemRecordFilterSet(GovFilterSet):
    """Filters of records that belong to one information system (assessments, findings): the system, its
    department, and "within" a unit's subtree."""

    system = record_filter(System, _("Information system"), "system")
    department = department_filter()
    within = within("system__owner_unit__path")
