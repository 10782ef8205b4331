"""The security dashboard (安全态势) for the user's scope or any unit in it (``?unit=``): MLPS levels by department,
filing, assessment and crypto compliance, what is overdue, the findings trend and the top of the fusion ranking.
Every number is a sum of per-unit rollups over the gate's path ranges (``security.selectors.dashboard``), exact at
read time; the top of the ranking comes from the stored fusion ranking (``security.ranking``)."""

from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View

from core import figures, gate
from core.focus import focus_unit, government_options, narrowed
from inventory.impact import GraphPending
from inventory.models import System

from .. import choices as c
from .. import ranking as stored
from ..selectors.dashboard import LEVELS, Dashboard, dashboard
from .fusion import SecurityAnalysisMixin, ranking

TOP_DEPARTMENTS = 20
TOP_SYSTEMS = 10


def url_or_none(name: str, query: str = "") -> str | None:
    """Links to pages of other parts of the module, when they are installed."""
    try:
        return reverse(name) + query
    except NoReverseMatch:
        return None


def chart_data(data: Dashboard) -> dict:
    """What the ECharts draw, passed with ``json_script``. Departments with most systems first; the chart shows the
    first ``TOP_DEPARTMENTS`` and scrolls to the others (``selectors.dashboard.DEPARTMENTS`` of them)."""
    ordered = data.departments  # most systems first (``level_by_department``)
    series = [{"name": str(c.Level(n).label), "data": [d.levels[n] for d in ordered]} for n in LEVELS]
    series.append({"name": _("Not graded"), "data": [d.not_graded for d in ordered]})
    return {
        "levels": {"departments": [d.name for d in ordered], "series": series, "window": TOP_DEPARTMENTS},
        "filing": [
            {"name": _("Filed"), "value": data.filing["filed"]},
            {"name": _("Overdue"), "value": data.filing["overdue"]},
            {"name": _("Not filed yet, within the deadline"), "value": data.filing["pending"]},
        ],
        "assessment": [
            {"name": _("Current"), "value": data.assessment["current"]},
            {"name": _("Overdue"), "value": data.assessment["overdue"]},
            {"name": _("No cycle (level 5)"), "value": data.assessment["none"]},
        ],
        "crypto": [
            {"name": _("Current and passing"), "value": data.crypto["current"]},
            {"name": _("Overdue"), "value": data.crypto["overdue"]},
            {"name": _("Failed"), "value": data.crypto["failed"]},
            {"name": _("Never assessed"), "value": data.crypto["never"]},
        ],
        "trend": {**data.trend, "labels": {"opened": _("Opened"), "verified": _("Verified")}},
    }


def share(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


class DashboardView(SecurityAnalysisMixin, View):
    def get(self, request):
        self.require_view()
        user = request.user
        unit = focus_unit(request)
        today = timezone.localdate()
        key = (gate.grants_key(user), unit.pk if unit else None, today, get_language())
        data = figures.cached("security.dashboard", key, lambda: dashboard(user, unit=unit, today=today))
        systems = narrowed(System.objects.restrict(user, "view"), unit)
        try:
            top, computing = ranking(user, systems, today, TOP_SYSTEMS)[:TOP_SYSTEMS], False
        except GraphPending:  # the impact graph's first build is under way: the rest of the page does not wait
            top, computing = [], True
        within = f"?within={unit.pk}" if unit else ""
        context = {
            **self.common_context(),
            "data": data,
            "unit": unit,
            "government_options": government_options(user, unit),
            "top": top,
            "top_computing": computing,
            "charts": chart_data(data),
            "ranking_state": stored.state(),
            "filing_share": share(data.filing["filed"], data.filing["total"]),
            "assessment_share": share(data.assessment["current"], data.assessment["total"]),
            "crypto_share": share(data.crypto["current"], data.crypto["total"]),
            "links": {
                "due": url_or_none("security:due_list"),
                "findings": url_or_none("security:finding_list", within),
                "findings_overdue": url_or_none("security:finding_list", f"?overdue=yes{within.replace('?', '&')}"),
                "risks": url_or_none("security:risk_list", within),
                "risks_overdue": url_or_none("security:risk_list", f"?overdue=yes{within.replace('?', '&')}"),
                "fusion": url_or_none("security:fusion", within),
                "crypto": url_or_none("security:cryptoassessment_list", within),
            },
        }
        return render(request, "security/dashboard.html", context)


urlpatterns = [path("dashboard/", DashboardView.as_view(), name="dashboard")]
