"""Tables of findings and scanner mappings; the export of a list uses the same columns."""

from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.tables import BadgeColumn, Column, RelatedColumn, Table

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


class WideColumn(Column):
    """A name that gets room: at least ``rem`` wide, so a wide table scrolls rather than crushing it to a character
    or two a line."""

    WIDTHS = (8, 10, 12, 13, 14)  # the minw-<n>rem classes in static/govcio/govcio.css (no inline style: CSP)

    def __init__(self, name, header, rem: int = 12, **kwargs):
        super().__init__(name, header, **kwargs)
        if rem not in self.WIDTHS:
            raise ValueError(f"WideColumn: rem must be one of {self.WIDTHS}")
        self.rem = rem

    def html(self, obj):
        return format_html('<div class="minw-{}rem">{}</div>', self.rem, super().html(obj))


class FindingTable(Table):
    """What a rectification list needs: the finding, where, how bad, how far, by when and who. The export has the
    same columns (core.tables); the other fields are on each finding's page and in the import template."""

    default_sort = "-found_on"
    columns = [
        WideColumn("title", _("Title"), rem=14, sort="title", link=True),
        WideColumn("system", _("Information system"), rem=10, accessor="system.name", sort="system__name"),
        BadgeColumn("severity", _("Severity"), SEVERITY_COLORS, sort="severity"),
        BadgeColumn("status", _("Status"), STATUS_COLORS, sort="status"),
        DeadlineColumn("deadline", _("Deadline"), sort="deadline"),
        # Named where the reader may see the owner (core.names); the export writes the same.
        RelatedColumn("owner", _("Owner"), sort="owner__full_name"),
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
