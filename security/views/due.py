"""The deadlines page (security:due_list): filings, assessments, self-inspections and crypto assessments that are
overdue or due within the government's "due soon" window (SecurityPolicy.due_soon_days) — or, with ``?within=``,
within 90 days or a year, so that an assessment due next year can be looked up too — everything read through
``restrict``. Filing dates counted on a year whose holiday calendar is not loaded yet are marked provisional."""

import datetime as dt
from array import array
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import BooleanField, CharField, F, OuterRef, Q, Subquery, Value
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View

from core import audit, figures, gate
from core.choices import AuditAction
from core.params import choice_param
from core.tree import subtree_q
from core.views.generic import GateMixin
from inventory.models import System

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


SYSTEM = "system__owner_unit__path"  # where a grading's or crypto assessment's deadline belongs
COLUMNS = ("due_kind", "due_date", "due_system_name", "due_system", "due_record", "due_level", "due_provisional")


def window_q(field: str, today: dt.date, days: int | None, book: PolicyBook) -> Q:
    """``field`` falls due within the window: ``days`` when given, otherwise the "due soon" window of the policy of
    the nearest government above the system (the most specific policy's subtree first, the default elsewhere)."""
    if days is not None:
        return Q(**{f"{field}__lte": today + dt.timedelta(days=days)})
    window = Q()
    covered = None
    for unit_path in sorted(book.by_path, key=len, reverse=True):
        inside = subtree_q(SYSTEM, unit_path)
        limit = Q(**{f"{field}__lte": today + dt.timedelta(days=book.by_path[unit_path].due_soon_days)})
        window |= inside & limit if covered is None else inside & ~covered & limit
        covered = inside if covered is None else covered | inside
    default = Q(**{f"{field}__lte": today + dt.timedelta(days=book.default.due_soon_days)})
    return window | (default if covered is None else ~covered & default)


def _part(queryset, kind: str, field: str, window: Q, status: str, today: dt.date, provisional=None):
    when = {"overdue": Q(**{f"{field}__lt": today}), "soon": Q(**{f"{field}__gte": today})}.get(status, Q())
    return (
        queryset.filter(Q(**{f"{field}__isnull": False}), window, when)
        .order_by()
        .annotate(
            due_kind=Value(kind, CharField()),
            due_date=F(field),
            due_system_name=F("system__name"),
            due_system=F("system_id"),
            due_record=F("pk"),
            due_level=F("level"),
            due_provisional=F(provisional) if provisional else Value(False, BooleanField()),
        )
        .values_list(*COLUMNS)
    )


def due_rows(user, today: dt.date, days: int | None = None, *, kind: str = "", status: str = ""):
    """Every deadline the user can see that is overdue or due within its government's window (or within ``days``
    when given), soonest first: one UNION ALL query of (kind, date, system name, system, grading or assessment,
    level, provisional) rows, paged and counted by the database — a province has some 180,000."""
    book = PolicyBook()
    chosen = [
        _part(records, name, field, window_q(field, today, days, book), status, today, provisional)
        for name, records, field, provisional in _sources(user)
        if not kind or name == kind
    ]
    first, *others = chosen
    return first.union(*others, all=True).order_by("due_date", "due_system_name", "due_kind", "due_record")


def _sources(user) -> list[tuple]:
    """(kind, records the user may see, due date field, provisional flag field) of the four kinds of deadline."""
    gradings = Grading.objects.restrict(user, "view")
    latest = CryptoAssessment.objects.filter(system=OuterRef("system")).order_by("-assessed_on", "-pk").values("pk")
    crypto = CryptoAssessment.objects.restrict(user, "view").filter(pk=Subquery(latest[:1]))
    return [
        ("filing", gradings.exclude(state=GradingState.FILED), "filing_due", "filing_due_provisional"),
        ("assessment", gradings, "next_assessment_due", None),
        ("self_inspection", gradings, "next_self_inspection_due", None),
        ("crypto", crypto, "next_due", None),
    ]


class Deadlines(Sequence):
    """The deadlines in order, as (kind, grading or assessment) pairs — 44,000 at province scale — read by one query
    and kept in the shared cache until the next write (``core.figures``: every change to what they read, derived
    dates included, is written in an audited transaction); the rows of a page are read again by their keys."""

    def __init__(self, user, today: dt.date, kinds: bytes, records: array, overdue: int) -> None:
        self.user, self.today, self.kinds, self.records, self.overdue = user, today, kinds, records, overdue

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        wanted = list(zip(self.kinds[index], self.records[index], strict=True))
        found = {}
        for name, records, field, provisional in _sources(self.user):
            code = KIND_CODES.index(name)
            ids = [pk for k, pk in wanted if k == code]
            if ids:
                rows = _part(records.filter(pk__in=ids), name, field, Q(), "", self.today, provisional)
                found.update(((code, row[4]), row) for row in rows)
        return as_due([found[key] for key in wanted if key in found], self.today)


KIND_CODES = list(KINDS)


def deadlines(user, today: dt.date, days: int | None = None, *, kind: str = "", status: str = "") -> Deadlines:
    rows = due_rows(user, today, days, kind=kind, status=status)

    def order():
        kinds, records, overdue = bytearray(), array("q"), 0
        for row_kind, date, _name, _system, record, _level, _provisional in rows:
            kinds.append(KIND_CODES.index(row_kind))
            records.append(record)
            overdue += date < today
        return bytes(kinds), records, overdue

    key = (gate.grants_key(user), figures.query_key(rows))
    return Deadlines(user, today, *figures.cached("security.deadlines", key, order))


def as_due(rows, today: dt.date) -> list[Due]:
    """The rows of one page as ``Due``, with their systems (and units) read in one query."""
    systems = System.objects.select_related("owner_unit").in_bulk({row[3] for row in rows})
    result = []
    for kind, date, _name, system_id, record, level, provisional in rows:
        system = systems[system_id]
        url = system.get_absolute_url() if kind == "crypto" else reverse("security:grading", args=[record])
        result.append(Due(kind, system, date, (date - today).days, url, level, bool(provisional)))
    return result


class DueListView(GateMixin, View):
    model = Grading

    def get(self, request):
        self.require("view")
        today = timezone.localdate()
        within = choice_param(request, "within", list(HORIZONS))
        kind = choice_param(request, "kind", list(KINDS))
        status = choice_param(request, "status", ["overdue", "soon"])
        days = HORIZONS[within][0] if within else None
        rows = deadlines(request.user, today, days, kind=kind, status=status)
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
            "overdue_count": rows.overdue,
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
