"""Escalation of overdue findings and due-soon reminders (issue 4: "overdue items escalate to the CIO").

- A finding still open after its deadline (deadline < today, status open) is escalated once: the CIOs whose scope
  covers its system — a cio role assignment on the system's department itself, or on a unit above it that includes
  its subordinate units — and its owner are notified (level "danger"), and the findings service sets
  ``escalated_at`` and audits the event ("finding.escalate"). A finding whose deadline is moved later is escalated
  again if it passes that one too (services.findings.finding_save clears ``escalated_at``).
- A finding open and due within its government's "due soon" window (SecurityPolicy.due_soon_days) reminds its owner
  once per deadline (level "warning").

Idempotent: escalated findings are not selected again, and notification keys name the finding, the stage and the
deadline (core.notify answers each key once per recipient). Run daily by ``govcio security_remind``
(security.reminders.run calls ``run``).
"""

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.models import RoleAssignment
from core.notify import notify
from core.tree import ancestor_paths

from .choices import FindingStatus
from .models import Finding
from .services.findings import findings_escalated
from .services.grading import PolicyBook

CIO = "cio"


class Cios:
    """CIOs by the unit path of their assignment, read in one query."""

    def __init__(self):
        self.by_path = defaultdict(list)
        rows = RoleAssignment.objects.filter(role__code=CIO, user__is_active=True).select_related("user", "unit")
        for row in rows:
            self.by_path[row.unit.path].append((row.user, row.include_descendants))

    def covering(self, path: str) -> set:
        people = {user for user, _subtree in self.by_path.get(path, [])}
        for above in ancestor_paths(path):
            people |= {user for user, subtree in self.by_path.get(above, []) if subtree}
        return people


def describe(finding: Finding) -> dict:
    return {
        "title": finding.title,
        "system": finding.system.name,
        "department": finding.system.owner_unit.name,
        "severity": finding.get_severity_display(),
        "date": finding.deadline.isoformat(),
        "owner": str(finding.owner) if finding.owner else _("nobody"),
    }


@transaction.atomic
def escalate(today: dt.date) -> int:
    """Escalate every open finding past its deadline that has not been escalated yet; returns new notifications."""
    overdue = (
        Finding.objects.filter(status=FindingStatus.OPEN, deadline__lt=today, escalated_at__isnull=True)
        .select_related("system__owner_unit", "owner")
        .order_by("pk")
    )
    findings = list(overdue.select_for_update(of=("self",)))  # two runs at once escalate each finding once
    if not findings:
        return 0
    cios, sent, escalated = Cios(), 0, {}
    for finding in findings:
        facts = describe(finding)
        recipients = cios.covering(finding.system.owner_unit.path)
        sent += notify(
            recipients,
            key=f"security.finding:{finding.pk}:escalated:{facts['date']}",
            title=_("Escalated: overdue finding of {system}").format(**facts),
            body=_(
                "“{title}” ({severity}) on {system} ({department}) was due on {date} and is not rectified. "
                "Owner: {owner}."
            ).format(**facts),
            url=finding.get_absolute_url(),
            level="danger",
        )
        sent += notify(
            [finding.owner],
            key=f"security.finding:{finding.pk}:overdue:{facts['date']}",
            title=_("Overdue finding: {title}").format(**facts),
            body=_("It was due on {date} and has been escalated to the CIO.").format(**facts),
            url=finding.get_absolute_url(),
            level="danger",
        )
        escalated[finding] = recipients
    findings_escalated(escalated=escalated)
    return sent


def remind(today: dt.date) -> int:
    """Remind the owners of open findings due within their government's window; returns new notifications."""
    book = PolicyBook()
    window = max([p.due_soon_days for p in book.by_path.values()] + [book.default.due_soon_days])
    soon = (
        Finding.objects.filter(
            status=FindingStatus.OPEN, deadline__gte=today, deadline__lte=today + dt.timedelta(days=window)
        )
        .exclude(owner=None)
        .select_related("system__owner_unit", "owner")
        .order_by("pk")
    )
    sent = 0
    for finding in soon.iterator(chunk_size=500):
        days = book.for_path(finding.system.owner_unit.path).due_soon_days
        if finding.deadline > today + dt.timedelta(days=days):
            continue
        facts = describe(finding)
        sent += notify(
            [finding.owner],
            key=f"security.finding:{finding.pk}:soon:{facts['date']}",
            title=_("Due soon: finding {title}").format(**facts),
            body=_("“{title}” ({severity}) on {system} is due on {date}.").format(**facts),
            url=finding.get_absolute_url(),
            level="warning",
        )
    return sent


def run(today: dt.date | None = None) -> int:
    """The daily run: escalations, then due-soon reminders, in the site's language. Returns new notifications."""
    today = today or timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        return escalate(today) + remind(today)
