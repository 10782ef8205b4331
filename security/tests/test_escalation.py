"""Escalation of overdue findings to the CIOs whose scope covers the system, once; due-soon reminders to the owner
within the government's window; both idempotent, and run by ``security_remind``."""

import datetime as dt
import io

from django.core.management import call_command
from django.test import TestCase

from core import testing
from core.models import AuditRecord, Notification
from inventory.tests.factories import new_system
from security import choices as c
from security import escalation
from security.models import Finding, SecurityPolicy
from security.services.findings import finding_save
from security.tests.test_findings import new_finding

TODAY = dt.date(2026, 6, 1)


class EscalationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        tree = cls.tree = testing.build_tree()
        cls.owner = testing.make_user("owner_esc", "liaison", tree.dept_a, full_name="王芳")
        cls.county_cio = testing.make_user("cio_county", "cio", tree.county_a, full_name="李强")  # with subtree
        cls.dept_cio = testing.make_user("cio_dept", "cio", tree.dept_a, subtree=False, full_name="周敏")
        cls.county_only = testing.make_user("cio_no_subtree", "cio", tree.county_a, subtree=False)
        cls.township_cio = testing.make_user("cio_township", "cio", tree.township_a)
        cls.other_cio = testing.make_user("cio_other", "cio", tree.county_b)
        cls.system = new_system(tree.dept_a)

    def finding(self, deadline, status=c.FindingStatus.OPEN, **fields):
        finding = new_finding(system=self.system, owner=self.owner, deadline=deadline, **fields)
        Finding.objects.filter(pk=finding.pk).update(status=status)
        return finding

    def notified(self, finding, stage="escalated"):
        rows = Notification.objects.filter(key__startswith=f"security.finding:{finding.pk}:{stage}")
        return set(rows.values_list("recipient__username", flat=True))

    def test_overdue_escalates_once_to_the_cios_covering_the_system(self):
        late = self.finding(TODAY - dt.timedelta(days=1))
        sent = escalation.run(TODAY)
        self.assertEqual(self.notified(late), {"cio_county", "cio_dept"})
        self.assertEqual(self.notified(late, "overdue"), {"owner_esc"})
        self.assertEqual(sent, 3)
        self.assertEqual(
            set(Notification.objects.filter(key__contains=":escalated:").values_list("level", flat=True)), {"danger"}
        )
        late.refresh_from_db()
        self.assertIsNotNone(late.escalated_at)
        self.assertEqual(AuditRecord.objects.filter(event="finding.escalate", object_id=str(late.pk)).count(), 1)
        self.assertEqual(escalation.run(TODAY), 0)
        self.assertEqual(escalation.run(TODAY + dt.timedelta(days=1)), 0)
        self.assertEqual(AuditRecord.objects.filter(event="finding.escalate").count(), 1)
        self.assertEqual(Notification.objects.count(), 3)

    def test_only_open_findings_past_their_deadline(self):
        due_today = self.finding(TODAY)
        fixed = self.finding(TODAY - dt.timedelta(days=5), status=c.FindingStatus.FIXED)
        verified = self.finding(TODAY - dt.timedelta(days=5), status=c.FindingStatus.VERIFIED)
        escalation.escalate(TODAY)
        for finding in (due_today, fixed, verified):
            finding.refresh_from_db()
            self.assertIsNone(finding.escalated_at)
            self.assertEqual(self.notified(finding), set())

    def test_a_deadline_moved_later_escalates_again_when_it_passes(self):
        late = self.finding(TODAY - dt.timedelta(days=1))
        escalation.run(TODAY)
        late.refresh_from_db()
        from core.services import snapshot

        before = snapshot(late)
        late.deadline = TODAY + dt.timedelta(days=10)
        finding_save(actor=None, finding=late, before=before)
        late.refresh_from_db()
        self.assertIsNone(late.escalated_at)
        self.assertEqual(escalation.escalate(TODAY), 0)
        escalation.escalate(TODAY + dt.timedelta(days=11))
        self.assertEqual(Notification.objects.filter(recipient=self.county_cio).count(), 2)

    def test_due_soon_reminds_the_owner_within_the_policy_window(self):
        SecurityPolicy.objects.create(unit=self.tree.county_a, due_soon_days=7)
        soon = self.finding(TODAY + dt.timedelta(days=7))
        later = self.finding(TODAY + dt.timedelta(days=8))
        self.assertEqual(escalation.run(TODAY), 1)
        self.assertEqual(self.notified(soon, "soon"), {"owner_esc"})
        self.assertEqual(self.notified(later, "soon"), set())
        self.assertEqual(Notification.objects.get(key__contains=":soon:").level, "warning")
        self.assertEqual(escalation.run(TODAY), 0)

    def test_security_remind_runs_the_escalation(self):
        late = self.finding(TODAY - dt.timedelta(days=3))
        out = io.StringIO()
        call_command("security_remind", f"--date={TODAY.isoformat()}", stdout=out)
        late.refresh_from_db()
        self.assertIsNotNone(late.escalated_at)
        self.assertIn("cio_county", self.notified(late))
