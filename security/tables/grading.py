"""The list of MLPS gradings; its export uses the same columns."""

from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.tables import Column, NowrapColumn, Table

from ..choices import GradingState

STATE_COLORS = {
    GradingState.DRAFT: "secondary",
    GradingState.EXPERT_REVIEW: "azure",
    GradingState.APPROVAL: "blue",
    GradingState.FILED: "green",
    GradingState.REJECTED: "red",
}
LEVEL_COLORS = {1: "secondary", 2: "azure", 3: "orange", 4: "red", 5: "purple"}


class StateColumn(Column):
    def html(self, obj):
        text = self.text(obj)
        return format_html('<span class="badge bg-{}-lt">{}</span>', STATE_COLORS.get(obj.state, "secondary"), text)


class DueColumn(Column):
    """A date shown red when past; "provisional" when it was counted on a year whose calendar is not loaded."""

    def __init__(self, name, header, provisional: str = "", **kwargs):
        super().__init__(name, header, **kwargs)
        self.provisional = provisional

    def html(self, obj):
        value = self.value(obj)
        if value is None:
            return ""
        css = "text-danger fw-bold" if value < timezone.localdate() else ""
        mark = ""
        if self.provisional and getattr(obj, self.provisional):
            mark = format_html(
                ' <span class="badge bg-yellow-lt" title="{}">{}</span>',
                _("Counted on weekends only: the holiday calendar of that year is not loaded yet."),
                _("provisional"),
            )
        return format_html('<span class="text-nowrap {}">{}</span>{}', css, value.isoformat(), mark)


def filing_due(grading):
    return None if grading.state == GradingState.FILED else grading.filing_due


class GradingTable(Table):
    default_sort = "system__code"
    columns = [
        Column("system", _("Information system"), accessor="system.name", sort="system__name", link=True),
        NowrapColumn("code", _("System code"), accessor="system.code", sort="system__code"),
        Column("department", _("Department"), accessor="system.owner_unit.name", sort="system__owner_unit__path"),
        NowrapColumn("level", _("Level"), sort="level"),
        StateColumn("state", _("State"), sort="state"),
        NowrapColumn("filing_number", _("Filing number"), sort="filing_number"),
        DueColumn("filing_due", _("Filing due"), "filing_due_provisional", accessor=filing_due, sort="filing_due"),
        DueColumn("next_assessment_due", _("Next assessment"), sort="next_assessment_due"),
        DueColumn("next_self_inspection_due", _("Next self-inspection"), sort="next_self_inspection_due"),
        Column("needs_review", _("Needs review"), sort="needs_review"),
    ]
