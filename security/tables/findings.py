"""Tables of findings and scanner mappings; the export of a list uses the same columns."""

from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.tables import Column, Table
from inventory.tables import BadgeColumn, NowrapColumn

from .. import choices as c

SEVERITY_COLORS = {
    c.Severity.CRITICAL: "red",
    c.Severity.HIGH: "orange",
    c.Severity.MEDIUM: "yellow",
    c.Severity.LOW: "azure",
}
STATUS_COLORS = {c.FindingStatus.OPEN: "red", c.FindingStatus.FIXED: "yellow", c.FindingStatus.VERIFIED: "green"}


def overdue(finding, today=None) -> bool:
    """Still open after its deadline (the escalation's rule)."""
    today = today or timezone.localdate()
    return finding.status == c.FindingStatus.OPEN and bool(finding.deadline) and finding.deadline < today


class DeadlineColumn(Column):
    """The deadline: red and marked once an open finding is past it; "≈" while provisional (calendar not loaded)."""

    def html(self, obj):
        if obj.deadline is None:
            return ""
        mark = "≈" if obj.deadline_provisional else ""
        if overdue(obj):
            return format_html(
                '<span class="text-danger text-nowrap fw-bold" title="{}">{}{}</span>',
                _("Overdue"),
                mark,
                obj.deadline.isoformat(),
            )
        return format_html('<span class="text-nowrap">{}{}</span>', mark, obj.deadline.isoformat())


class FindingTable(Table):
    default_sort = "-found_on"
    columns = [
        Column("title", _("Title"), sort="title", link=True),
        Column("system", _("Information system"), accessor="system.name", sort="system__name"),
        Column("department", _("Department"), accessor="system.owner_unit.name", sort="system__owner_unit__path"),
        BadgeColumn("severity", _("Severity"), SEVERITY_COLORS, sort="severity"),
        Column("source", _("Source"), sort="source"),
        BadgeColumn("status", _("Status"), STATUS_COLORS, sort="status"),
        Column("owner", _("Owner"), accessor="owner", sort="owner__full_name"),
        NowrapColumn("found_on", _("Found on"), sort="found_on"),
        DeadlineColumn("deadline", _("Deadline"), sort="deadline"),
        Column("asset", _("Asset")),
        NowrapColumn("reference", _("Reference")),
    ]

    @classmethod
    def only_fields(cls):
        return None  # the owner's name and the deadline's flags: the list's select_related already loads them


class ScannerMappingTable(Table):
    default_sort = "name"
    columns = [
        Column("name", _("Name"), sort="name", link=True),
        Column("unit", _("Unit"), accessor="unit.name", sort="unit__path"),
        Column("title", _("Title column"), accessor=lambda m: (m.columns or {}).get("title", "")),
        Column("severity", _("Severity column"), accessor=lambda m: (m.columns or {}).get("severity", "")),
        Column("words", _("Severity words"), accessor=lambda m: len(m.severities or {})),
        Column("updated_at", _("Last changed"), sort="updated_at"),
    ]
