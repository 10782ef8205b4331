"""The deadlines page (security:due_list): filings, assessments, self-inspections and crypto assessments that are
overdue or due within the government's "due soon" window (SecurityPolicy.due_soon_days), everything read through
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
from django.utils.translation import gettext_lazy as _lazy
from django.views import View

from core import audit, gate
from core.choices import AuditAction
from core.views.generic import GateMixin

from .. import reminders
from ..choices import GradingState
from ..models import CryptoAssessment, Grading
from ..services.grading import PolicyBook

KINDS = {
    "filing": _lazy("Filing"),
    "assessment": _lazy("MLPS assessment"),
    "self_inspection": _lazy("Self-inspection"),
    "crypto": _lazy("Crypto assessment"),
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


def due_rows(user, today: dt.date) -> list[Due]:
    """Every deadline the user can see that is overdue or due within its government's window, soonest first."""
    book = PolicyBook()
    horizon = today + dt.timedelta(days=max([p.due_soon_days for p in book.by_path.values()] + [30]))
    rows: list[Due] = []

    def add(kind, system, date, url, level=None, provisional=False):
        window = book.for_path(system.owner_unit.path).due_soon_days
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
        rows = due_rows(request.user, today)
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
            "today": today,
            "querystring": params.urlencode(),
            "overdue_count": sum(row.overdue for row in rows),
            "can_remind": gate.has_perm(request.user, Grading, "change"),
        }
        return render(request, "security/due_list.html", context)


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
