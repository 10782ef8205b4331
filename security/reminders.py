"""Reminders of MLPS deadlines to the responsible people (DOMAIN.md §3; 公通字[2007]43号 arts. 14–15).

For every grading whose filing, next assessment or next self-inspection is due within its government's "due soon"
window (SecurityPolicy.due_soon_days) or already past, the liaisons of the system's department and the CIOs whose
scope covers it are notified. Keys name the grading, the deadline, its date and the stage, so a daily run repeats
nothing, while a new date (the next cycle) or the step from "due soon" to "overdue" is a new reminder. Overdue
findings are escalated by ``security.escalation`` in the same run.

Run daily (cron or a systemd timer): ``govcio security_remind``.
"""

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.models import RoleAssignment
from core.notify import notify
from core.tree import ancestor_paths

from . import escalation
from .choices import GradingState
from .models import Grading
from .services.grading import PolicyBook

RESPONSIBLE_ROLES = ("liaison", "cio")


class Responsible:
    """Who answers for a unit: liaison and CIO assignments at the unit, or above it over its subtree."""

    def __init__(self):
        self.by_path = defaultdict(list)
        rows = RoleAssignment.objects.filter(role__code__in=RESPONSIBLE_ROLES, user__is_active=True).select_related(
            "user", "unit"
        )
        for row in rows:
            self.by_path[row.unit.path].append((row.user, row.include_descendants))

    def for_path(self, path: str) -> set:
        people = {user for user, _subtree in self.by_path.get(path, [])}
        for above in ancestor_paths(path):
            people |= {user for user, subtree in self.by_path.get(above, []) if subtree}
        return people


def due_items(grading: Grading):
    """(kind, label, due date) of each deadline the grading carries."""
    if grading.state != GradingState.FILED and grading.filing_due:
        yield "filing", _("Filing with the public security bureau"), grading.filing_due
    if grading.next_assessment_due:
        yield "assessment", _("MLPS assessment"), grading.next_assessment_due
    if grading.next_self_inspection_due:
        yield "self_inspection", _("Self-inspection"), grading.next_self_inspection_due


def candidates(today: dt.date, horizon: dt.date, actor=None):
    gradings = Grading.objects.select_related("system__owner_unit")
    if actor is not None:
        gradings = gradings.restrict(actor, "change")
    soon = (
        (Q(filing_due__lte=horizon) & ~Q(state=GradingState.FILED))
        | Q(next_assessment_due__lte=horizon)
        | Q(next_self_inspection_due__lte=horizon)
    )
    return gradings.filter(soon).order_by("pk")


def remind(today: dt.date, *, actor=None) -> int:
    """Notify about the gradings' deadlines; only those the actor may change when one is given."""
    book = PolicyBook()
    windows = [p.due_soon_days for p in book.by_path.values()] + [book.default.due_soon_days]
    horizon = today + dt.timedelta(days=max(windows))
    people = Responsible()
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for grading in candidates(today, horizon, actor).iterator(chunk_size=500):
            path = grading.system.owner_unit.path
            window = book.for_path(path).due_soon_days
            recipients = people.for_path(path)
            for kind, label, due in due_items(grading):
                if due > today + dt.timedelta(days=window):
                    continue
                overdue = due < today
                title = (_("Overdue: {what} of {system}") if overdue else _("Due soon: {what} of {system}")).format(
                    what=label, system=grading.system.name
                )
                body = _("{what} of {system} ({department}, level {level}) is due on {date}.").format(
                    what=label,
                    system=grading.system.name,
                    department=grading.system.owner_unit.name,
                    level=grading.level,
                    date=due.isoformat(),
                )
                sent += notify(
                    recipients,
                    key=f"security.grading:{grading.pk}:{kind}:{due.isoformat()}:{'overdue' if overdue else 'soon'}",
                    title=title,
                    body=body,
                    url=grading.get_absolute_url(),
                    level="danger" if overdue else "warning",
                )
    return sent


def run(today: dt.date | None = None, *, actor=None) -> int:
    """The daily run: deadline reminders, then the escalation of overdue findings. Returns how many notifications
    were new."""
    today = today or timezone.localdate()
    sent = remind(today, actor=actor)
    return sent + (escalation.run(today) or 0)
