"""The list of MLPS gradings; its export uses the same columns."""

from django.utils.translation import gettext_lazy as _

from core.tables import BadgeColumn, Column, DueColumn, NowrapColumn, Table

from ..choices import GradingState

STATE_COLORS = {
    GradingState.DRAFT: "secondary",
    GradingState.EXPERT_REVIEW: "azure",
    GradingState.APPROVAL: "blue",
    GradingState.FILED: "green",
    GradingState.REJECTED: "red",
}
LEVEL_COLORS = {1: "secondary", 2: "azure", 3: "orange", 4: "red", 5: "purple"}


def filing_due(grading):
    return None if grading.state == GradingState.FILED else grading.filing_due


class GradingTable(Table):
    default_sort = "system__code"
    columns = [
        Column("system", _("Information system"), accessor="system.name", sort="system__name", link=True),
        NowrapColumn("code", _("System code"), accessor="system.code", sort="system__code"),
        Column("department", _("Department"), accessor="system.owner_unit.name", sort="system__owner_unit__path"),
        NowrapColumn("level", _("Level"), sort="level"),
        BadgeColumn("state", _("State"), STATE_COLORS, sort="state"),
        NowrapColumn("filing_number", _("Filing number"), sort="filing_number"),
        DueColumn("filing_due", _("Filing due"), "filing_due_provisional", accessor=filing_due, sort="filing_due"),
        DueColumn("next_assessment_due", _("Next assessment"), sort="next_assessment_due"),
        DueColumn("next_self_inspection_due", _("Next self-inspection"), sort="next_self_inspection_due"),
        Column("needs_review", _("Needs review"), sort="needs_review"),
    ]
