"""The deadlines page (security:due_list): filings, assessments, self-inspections and crypto assessments that are
overdue or due within the government's "due soon" window (SecurityPolicy.due_soon_days) — or, with ``?within=``,
within 90 days or a year, so that an assessment due next year can be looked up too — everything read through
``restrict``. Filing dates counted on a year whose holiday calendar is not loaded yet are marked provisional."""

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import OuterRef, Q, Subquery
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View

from core import audit, gate
from core.choices import AuditAction
from core.views.generic import GateMixin

from .. import reminders
from ..choices import GradingState
from ..models import CryptoAssessment, Grading, SecurityPolicy
from ..services.grading import PolicyBook

KINDS = {
    "filing": gettext_lazy("Filing"),
    "assessment": gettext_lazy("MLPS assessment"),
    "self_inspection": gettext_lazy("Self-inspection"),
    "crypto": gettext_lazy("Crypto assessment"),
}


@dataclass
class Due:
    kind: str
    system: object
    date: dt.date
    days: int  # negative: overdue by that many days
    url: str
    level: int | None = None
    provisional: bool = False

    @property
    def overdue(self) -> bool:
        return self.days < 0

    @property
    def late_days(self) -> int:
        return -self.days

    @property
    def label(self):
        return KINDS[self.kind]


# ?within= choices beyond the policy's window (days).
HORIZONS = {"90": (90, gettext_lazy("90 days")), "365": (365, gettext_lazy("1 year"))}


def due_rows(user, today: dt.date, days: int | None = None) -> list[Due]:
    """Every deadline the user can see that is overdue or due within its government's window (or within ``days``
    when given), soonest first."""
    book = PolicyBook()
    windows = [p.due_soon_days for p in book.by_path.values()] + [book.default.due_soon_days]
    horizon = today + dt.timedelta(days=days if days is not None else max(windows))
    rows: list[Due] = []

    def add(kind, system, date, url, level=None, provisional=False):
        window = days if days is not None else book.for_path(system.owner_unit.path).due_soon_days
        if date <= today + dt.timedelta(days=window):
            rows.append(Due(kind, system, date, (date - today).days, url, level, provisional))

    gradings = Grading.objects.restrict(user, "view").select_related("system__owner_unit")
    late = (
        (Q(filing_due__lte=horizon) & ~Q(state=GradingState.FILED))
        | Q(next_assessment_due__lte=horizon)
        | Q(next_self_inspection_due__lte=horizon)
    )
    for g in gradings.filter(late):
        url = g.get_absolute_url()
        if g.state != GradingState.FILED and g.filing_due:
            add("filing", g.system, g.filing_due, url, g.level, g.filing_due_provisional)
        if g.next_assessment_due:
            add("assessment", g.system, g.next_assessment_due, url, g.level)
        if g.next_self_inspection_due:
            add("self_inspection", g.system, g.next_self_inspection_due, url, g.level)

    latest = CryptoAssessment.objects.filter(system=OuterRef("system")).order_by("-assessed_on", "-pk").values("pk")
    crypto = (
        CryptoAssessment.objects.restrict(user, "view")
        .filter(pk=Subquery(latest[:1]), next_due__lte=horizon)
        .select_related("system__owner_unit")
    )
    for assessment in crypto:
        add("crypto", assessment.system, assessment.next_due, assessment.system.get_absolute_url(), assessment.level)
    rows.sort(key=lambda row: (row.date, row.system.name, row.kind))
    return rows


class DueListView(GateMixin, View):
    model = Grading

    def get(self, request):
        self.require("view")
        today = timezone.localdate()
        within = request.GET.get("within", "")
        within = within if within in HORIZONS else ""
        rows = due_rows(request.user, today, HORIZONS[within][0] if within else None)
        kind, status = request.GET.get("kind", ""), request.GET.get("status", "")
        if kind in KINDS:
            rows = [row for row in rows if row.kind == kind]
        if status in {"overdue", "soon"}:
            rows = [row for row in rows if row.overdue == (status == "overdue")]
        page = Paginator(rows, 50).get_page(request.GET.get("page"))
        params = request.GET.copy()
        params.pop("page", None)
        context = {
            "page": page,
            "kinds": KINDS,
            "kind": kind,
            "status": status,
            "within": within,
            "horizons": [("", self.policy_window()), *[(code, label) for code, (_days, label) in HORIZONS.items()]],
            "today": today,
            "querystring": params.urlencode(),
            "overdue_count": sum(row.overdue for row in rows),
            "can_remind": gate.has_perm(request.user, Grading, "change"),
        }
        return render(request, "security/due_list.html", context)

    def policy_window(self) -> str:
        """The default horizon's label: the "due soon" window of the user's own government (each system's row
        still uses the window of its own government)."""
        unit = getattr(self.request.user, "unit", None)
        days = SecurityPolicy.for_path(unit.path if unit else "").due_soon_days
        return ngettext("{n} day (security policy)", "{n} days (security policy)", days).format(n=days)


class RemindView(GateMixin, View):
    """ "Send reminders now": the same run as the daily command, for the gradings the user may change."""

    model = Grading
    http_method_names = ["post"]

    def post(self, request):
        self.require("change")
        sent = reminders.run(timezone.localdate(), actor=request.user)
        audit.append(
            audit.Entry(
                action=AuditAction.EVENT,
                actor=request.user,
                object_type=Grading._meta.label_lower,
                unit_path=getattr(getattr(request.user, "unit", None), "path", ""),
                event="grading.remind",
                changes={"sent": sent},
            )
        )
        messages.success(request, _("Reminders sent: {count} new notifications.").format(count=sent))
        return HttpResponseRedirect(reverse("security:due_list"))


urlpatterns = [
    path("deadlines/", DueListView.as_view(), name="due_list"),
    path("deadlines/remind/", RemindView.as_view(), name="due_remind"),
]
