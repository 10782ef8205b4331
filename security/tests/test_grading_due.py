"""The deadlines page and the reminders: filing, assessment, self-inspection and crypto assessment overdue or due
within the government's window, through the gate; reminders to the liaisons and CIOs concerned, once."""

import datetime as dt
import io

from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from core import testing
from core.models import Notification
from security import reminders
from security.choices import DeadlineKind
from security.models import CryptoAssessment, SecurityPolicy
from security.services import grading as services
from security.tests.grading_factories import filed_grading, new_grading, new_system

DAY = dt.timedelta(days=1)


class DeadlinesTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.cio = testing.make_user("wang_fang", "cio", cls.tree.county_a, full_name="王芳")
        cls.liaison = testing.make_user("zhao_li", "liaison", cls.tree.dept_a, subtree=False, full_name="赵丽")
        cls.sub_liaison = testing.make_user("qian_jun", "liaison", cls.tree.sub_a, full_name="钱军")
        cls.leader = testing.make_user("liu_qiang", "leader", cls.tree.county_a, full_name="刘强")
        cls.other = testing.make_user("sun_hong", "liaison", cls.tree.dept_b, full_name="孙红")
        cls.today = timezone.localdate()

    def submitted(self, unit, days_ago: int, level=3):
        grading = new_grading(unit, level=level)
        services.grading_submit(actor=None, grading=grading, today=self.today - days_ago * DAY)
        grading.refresh_from_db()
        return grading

    def filed_long_ago(self, unit, level=3):
        filed_on = self.today - 400 * DAY
        return filed_grading(unit, level=level, graded_on=filed_on - 10 * DAY, filed_on=filed_on)


class DueListTests(DeadlinesTestCase):
    def setUp(self):
        self.overdue_filing = self.submitted(self.tree.dept_a, 40)  # due 10 days ago
        self.soon_filing = self.submitted(self.tree.dept_a, 20)  # due in 10 days
        self.far_filing = self.submitted(self.tree.dept_a, 0)  # due in 30 days: inside the default window
        self.filed = self.filed_long_ago(self.tree.sub_a)  # assessment and self-inspection ~35 days overdue
        self.hidden = self.submitted(self.tree.dept_b, 40)
        self.crypto_system = new_system(self.tree.dept_a)
        crypto = CryptoAssessment.objects.create(
            system=self.crypto_system, level=3, assessed_on=self.today - 360 * DAY, conclusion="pass"
        )
        CryptoAssessment.objects.filter(pk=crypto.pk).update(next_due=self.today + 5 * DAY)

    def rows(self, user=None, **params):
        self.client.force_login(user or self.cio)
        response = self.client.get(reverse("security:due_list"), params)
        self.assertEqual(response.status_code, 200)
        return [(row.kind, row.system.pk, row.overdue) for row in response.context["page"].object_list]

    def test_everything_due_in_scope(self):
        rows = self.rows()
        expected = {
            ("filing", self.overdue_filing.system_id, True),
            ("filing", self.soon_filing.system_id, False),
            ("filing", self.far_filing.system_id, False),
            ("assessment", self.filed.system_id, True),
            ("self_inspection", self.filed.system_id, True),
            ("crypto", self.crypto_system.pk, False),
        }
        self.assertEqual(set(rows), expected)
        self.assertEqual(rows[0][2], True)  # soonest (most overdue) first
        self.assertNotIn(self.hidden.system_id, {pk for _kind, pk, _late in rows})

    def test_remembered_order_pages_like_the_query(self):
        from security.views.due import as_due, deadlines, due_rows

        for extra in range(4):
            self.submitted(self.tree.dept_a, 30 + extra)
        whole = [
            (d.kind, d.system.pk, d.date, d.level) for d in as_due(list(due_rows(self.cio, self.today)), self.today)
        ]
        rows = deadlines(self.cio, self.today)
        self.assertEqual(len(rows), len(whole))
        self.assertEqual(rows.overdue, sum(date < self.today for _k, _s, date, _l in whole))
        self.assertEqual([(d.kind, d.system.pk, d.date, d.level) for d in rows[2:7]], whole[2:7])
        self.assertEqual((rows[0].kind, rows[0].system.pk), whole[0][:2])

    def test_the_window_is_the_governments_setting(self):
        SecurityPolicy.objects.create(unit=self.tree.county_a, due_soon_days=15)
        rows = self.rows()
        self.assertIn(("filing", self.soon_filing.system_id, False), rows)
        self.assertNotIn(("filing", self.far_filing.system_id, False), rows)

    def test_a_longer_horizon_shows_what_is_due_later(self):
        """A filing done today is next assessed in a year: not due soon, but found with the one-year horizon."""
        recent = filed_grading(self.tree.dept_a, level=3, graded_on=self.today, filed_on=self.today)
        assessment = ("assessment", recent.system_id, False)
        self.assertNotIn(assessment, self.rows())
        self.assertNotIn(assessment, self.rows(within="90"))
        self.assertIn(assessment, self.rows(within="365", kind="assessment"))
        self.assertIn(("filing", self.overdue_filing.system_id, True), self.rows(within="365"))  # still overdue
        self.client.force_login(self.cio)
        response = self.client.get(reverse("security:due_list"), {"within": "7"})
        self.assertEqual(response.status_code, 400, "an unknown horizon is a bad request, not the policy's window")

    def test_the_horizon_is_offered_with_the_policys_window(self):
        SecurityPolicy.objects.create(unit=self.tree.county_a, due_soon_days=15)
        self.client.force_login(self.cio)
        response = self.client.get(reverse("security:due_list"), {"within": "365"})
        self.assertEqual([code for code, _label in response.context["horizons"]], ["", "90", "365"])
        self.assertIn("15 days", str(response.context["horizons"][0][1]))
        self.assertContains(response, '<option value="365" selected>')

    def test_filters(self):
        self.assertEqual({k for k, _pk, _l in self.rows(kind="crypto")}, {"crypto"})
        self.assertTrue(all(late for _k, _pk, late in self.rows(status="overdue")))
        self.assertFalse(any(late for _k, _pk, late in self.rows(status="soon")))

    def test_a_liaison_sees_their_department_only(self):
        systems = {pk for _k, pk, _l in self.rows(self.liaison)}
        self.assertIn(self.overdue_filing.system_id, systems)
        self.assertNotIn(self.filed.system_id, systems)  # a subordinate unit, outside a liaison without subtree

    def test_rows_link_to_the_grading_or_the_system(self):
        self.client.force_login(self.cio)
        body = self.client.get(reverse("security:due_list")).content.decode()
        self.assertIn(self.overdue_filing.get_absolute_url(), body)
        self.assertIn(self.crypto_system.get_absolute_url(), body)
        self.assertNotIn(self.hidden.get_absolute_url(), body)

    def test_provisional_dates_are_marked(self):
        SecurityPolicy.objects.create(
            unit=self.tree.county_a,
            filing_deadline_kind=DeadlineKind.WORKING,
            filing_deadline_days=10,
            due_soon_days=60,
        )
        grading = new_grading(self.tree.dept_a, level=2)
        services.grading_submit(actor=None, grading=grading, today=dt.date(2026, 12, 24))
        grading.refresh_from_db()
        self.assertTrue(grading.filing_due_provisional)
        self.client.force_login(self.cio)
        response = self.client.get(reverse("security:due_list"), {"kind": "filing"})
        row = next(r for r in response.context["page"].object_list if r.system.pk == grading.system_id)
        self.assertTrue(row.provisional)  # 2027-01-07: overdue or within 60 days from 2026-11-08 on
        self.assertContains(response, "provisional")

    def test_without_permission_is_404(self):
        nobody = testing.make_user("nobody", None, self.tree.county_a)
        self.client.force_login(nobody)
        self.assertEqual(self.client.get(reverse("security:due_list")).status_code, 404)

    def test_send_reminders_button_and_permission(self):
        self.client.force_login(self.leader)
        self.assertNotContains(self.client.get(reverse("security:due_list")), 'id="send-reminders"')
        self.assertEqual(self.client.post(reverse("security:due_remind")).status_code, 404)
        self.assertFalse(Notification.objects.exists())
        self.client.force_login(self.cio)
        self.assertContains(self.client.get(reverse("security:due_list")), 'id="send-reminders"')


class ReminderTests(DeadlinesTestCase):
    def keys(self, user):
        return set(Notification.objects.filter(recipient=user).values_list("key", flat=True))

    def test_liaisons_and_cios_are_reminded_once(self):
        grading = self.submitted(self.tree.dept_a, 40)
        sent = reminders.remind(self.today)
        key = f"security.grading:{grading.pk}:filing:{grading.filing_due.isoformat()}:overdue"
        self.assertEqual(self.keys(self.liaison), {key})
        self.assertEqual(self.keys(self.cio), {key})
        self.assertEqual(self.keys(self.other) | self.keys(self.leader) | self.keys(self.sub_liaison), set())
        self.assertEqual(sent, 2)
        note = Notification.objects.get(recipient=self.liaison)
        self.assertEqual((note.level, note.url), ("danger", grading.get_absolute_url()))
        self.assertIn(grading.system.name, note.title)
        self.assertEqual(reminders.remind(self.today), 0)  # idempotent
        self.assertEqual(Notification.objects.count(), 2)

    def test_due_soon_then_overdue_is_a_new_reminder(self):
        grading = self.submitted(self.tree.dept_a, 25)  # due in 5 days
        self.assertEqual(reminders.remind(self.today), 2)
        self.assertEqual(Notification.objects.get(recipient=self.liaison).level, "warning")
        self.assertEqual(reminders.remind(self.today + 6 * DAY), 2)
        self.assertEqual(len(self.keys(self.liaison)), 2)
        self.assertEqual(reminders.remind(self.today + 7 * DAY), 0)
        self.assertIn(
            f"security.grading:{grading.pk}:filing:{grading.filing_due.isoformat()}:overdue", self.keys(self.cio)
        )

    def test_subordinate_unit_reaches_liaisons_with_subtree(self):
        grading = self.filed_long_ago(self.tree.sub_a)
        reminders.remind(self.today)
        expected = {
            f"security.grading:{grading.pk}:assessment:{grading.next_assessment_due.isoformat()}:overdue",
            f"security.grading:{grading.pk}:self_inspection:{grading.next_self_inspection_due.isoformat()}:overdue",
        }
        self.assertEqual(self.keys(self.sub_liaison), expected)
        self.assertEqual(self.keys(self.cio), expected)
        self.assertEqual(self.keys(self.liaison), set())  # dept_a without its subordinate units

    def test_nothing_outside_the_window_and_nothing_for_inactive_users(self):
        self.submitted(self.tree.dept_a, 0)  # due in 30 days: within the default window of 30
        SecurityPolicy.objects.create(unit=self.tree.county_a, due_soon_days=10)
        self.assertEqual(reminders.remind(self.today), 0)
        self.liaison.is_active = False
        self.liaison.save()
        self.submitted(self.tree.dept_a, 40)
        reminders.remind(self.today)
        self.assertEqual(self.keys(self.liaison), set())

    def test_the_button_reminds_within_the_users_scope(self):
        mine = self.submitted(self.tree.dept_a, 40)
        theirs = self.submitted(self.tree.dept_b, 40)
        sent = reminders.remind(self.today, actor=self.liaison)
        self.assertEqual(sent, 2)
        self.assertTrue(all(f":{mine.pk}:" in key for key in self.keys(self.cio) | self.keys(self.liaison)))
        self.assertEqual(self.keys(self.other), set())
        self.assertGreater(reminders.remind(self.today), 0)  # the daily run reaches the other county as well
        self.assertTrue(any(f":{theirs.pk}:" in key for key in self.keys(self.other)))

    def test_run_adds_the_escalation_and_the_page_button(self):
        self.submitted(self.tree.dept_a, 40)
        self.assertGreaterEqual(reminders.run(self.today), 2)
        self.client.force_login(self.cio)
        response = self.client.post(reverse("security:due_remind"))
        self.assertRedirects(response, reverse("security:due_list"), fetch_redirect_response=False)

    def test_command(self):
        self.submitted(self.tree.dept_a, 40)
        out = io.StringIO()
        call_command("security_remind", "--date", self.today.isoformat(), stdout=out)
        self.assertIn("2 new notifications", out.getvalue())
