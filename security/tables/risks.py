"""The risk register's list; its export uses the same columns."""

from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.tables import BadgeColumn, Column, NowrapColumn, RelatedColumn, Table

from .. import choices as c
from ..selectors.risks import RATING_COLORS

STATUS_COLORS = {c.RiskStatus.OPEN: "red", c.RiskStatus.TREATING: "yellow", c.RiskStatus.CLOSED: "secondary"}


class RatingColumn(Column):
    """The band of likelihood × impact, with the score: a badge on the page, "High (12)" in the export."""

    def value(self, obj):
        return f"{c.RiskRating(obj.rating).label} ({obj.score})"

    def html(self, obj):
        color = RATING_COLORS.get(obj.rating, "secondary")
        return format_html('<span class="badge bg-{}-lt">{}</span>', color, self.text(obj))


def names(field: str):
    def accessor(obj) -> str:
        return "、".join(related.name for related in getattr(obj, field).all())

    return accessor


class RiskTable(Table):
    default_sort = "-risk_score"  # annotated by the list view: likelihood × impact
    columns = [
        Column("title", _("Title"), sort="title", link=True),
        Column("unit", _("Department"), accessor="unit.name", sort="unit__path"),
        Column("likelihood", _("Likelihood"), sort="likelihood"),
        Column("impact", pgettext_lazy("risk", "Impact"), sort="impact"),
        RatingColumn("rating", _("Rating"), sort="risk_score"),
        BadgeColumn("status", _("Status"), STATUS_COLORS, sort="status"),
        Column("treatment", _("Treatment"), sort="treatment"),
        RelatedColumn("owner", _("Owner"), sort="owner__full_name"),
        NowrapColumn("due_date", _("Due date"), sort="due_date"),
        Column("systems", _("Information systems"), accessor=names("systems")),
        Column("data_resources", _("Data resources"), accessor=names("data_resources")),
    ]
