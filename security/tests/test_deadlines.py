"""Every deadline rule of security/deadlines.py (DOMAIN.md §3; 公通字[2007]43号 arts. 14–15; GB/T 39786-2021),
on the holiday calendar seeded from chinese-calendar into the test database (core/calendar_seed.py)."""

import datetime as dt

from django.test import SimpleTestCase, TestCase

from core import testing, workdays
from core.models import CalendarDay, CalendarYear
from security import deadlines
from security.choices import AssessmentKind, DeadlineKind, GradingState
from security.models import Assessment, Grading, SecurityPolicy
from security.services import grading as services
from security.tests.grading_factories import filed_grading, new_grading, new_system

D = dt.date


def working(days=10, **fields) -> SecurityPolicy:
    return SecurityPolicy(filing_deadline_kind=DeadlineKind.WORKING, filing_deadline_days=days, **fields)


class FilingInCalendarDaysTests(SimpleTestCase):
    """公通字[2007]43号 art. 15: level 2 and above file within 30 days of grading (calendar days: no holiday table)."""

    def test_thirty_days_from_grading(self):
        due = deadlines.filing_due(3, graded_on=D(2026, 3, 2), go_live=None, policy=SecurityPolicy())
        self.assertEqual((due.date, due.provisional), (D(2026, 4, 1), False))

    def test_holidays_do_not_count_in_calendar_days(self):
        due = deadlines.filing_due(2, graded_on=D(2026, 9, 28), go_live=None, policy=SecurityPolicy())
        self.assertEqual(due.date, D(2026, 10, 28))

    def test_going_live_after_grading_starts_the_clock(self):
        due = deadlines.filing_due(3, graded_on=D(2026, 3, 2), go_live=D(2026, 5, 1), policy=SecurityPolicy())
        self.assertEqual(due.date, D(2026, 5, 31))

    def test_going_live_before_grading_does_not(self):
        due = deadlines.filing_due(3, graded_on=D(2026, 3, 2), go_live=D(2020, 6, 30), policy=SecurityPolicy())
        self.assertEqual(due.date, D(2026, 4, 1))

    def test_level_1_is_not_filed(self):
        self.assertIsNone(deadlines.filing_due(1, graded_on=D(2026, 3, 2), go_live=None, policy=SecurityPolicy()))

    def test_the_number_of_days_is_a_setting(self):
        policy = SecurityPolicy(filing_deadline_days=15)
        self.assertEqual(
            deadlines.filing_due(4, graded_on=D(2026, 3, 2), go_live=None, policy=policy).date, D(2026, 3, 17)
        )


class FilingInWorkingDaysTests(TestCase):
    """Localities that require N working days: the official calendar with its swapped working days. National Day
    2026 runs 1–7 October (Mid-autumn Friday 25 September too); Sunday 20 September and Saturday 10 October are
    worked."""

    def test_calendar_is_seeded_for_2026_not_2027(self):
        self.assertTrue(CalendarYear.objects.filter(year=2026).exists())
        self.assertFalse(CalendarYear.objects.filter(year=2027).exists())
        self.assertEqual(CalendarDay.objects.get(date=D(2026, 10, 10)).kind, "workday")
        self.assertEqual(CalendarDay.objects.get(date=D(2026, 9, 20)).kind, "workday")

    def test_across_national_day_with_the_swapped_sunday(self):
        # 20 (Sun, worked) 21 22 23 24 | 25–27 off | 28 29 30 | 1–7 Oct off | 8 9 → the tenth is Friday 9 October.
        due = deadlines.filing_due(3, graded_on=D(2026, 9, 18), go_live=None, policy=working())
        self.assertEqual((due.date, due.provisional), (D(2026, 10, 9), False))

    def test_across_national_day_with_the_swapped_saturday(self):
        # 29 30 | 1–7 Oct off | 8 9 10 (Sat, worked) 12 13 14 15 16 → Friday 16 October (19 October without 调休).
        due = deadlines.filing_due(3, graded_on=D(2026, 9, 28), go_live=None, policy=working())
        self.assertEqual(due.date, D(2026, 10, 16))

    def test_graded_on_a_weekend(self):
        due = deadlines.filing_due(2, graded_on=D(2026, 9, 19), go_live=None, policy=working())
        self.assertEqual(due.date, D(2026, 10, 9))

    def test_reaching_2027_is_provisional(self):
        # 2027 is not in the package: its weekends count, its holidays are unknown, so the date is provisional.
        due = deadlines.filing_due(3, graded_on=D(2026, 12, 24), go_live=None, policy=working())
        self.assertEqual((due.date, due.provisional), (D(2027, 1, 7), True))

    def test_staying_in_2026_is_not_provisional(self):
        due = deadlines.filing_due(3, graded_on=D(2026, 12, 1), go_live=None, policy=working())
        self.assertEqual((due.date, due.provisional), (D(2026, 12, 15), False))

    def test_provisional_filing_due_is_recomputed_when_2027_is_loaded(self):
        tree = testing.build_tree()
        SecurityPolicy.objects.create(
            unit=tree.county_a, filing_deadline_kind=DeadlineKind.WORKING, filing_deadline_days=10
        )
        grading = new_grading(tree.dept_a, level=3)
        services.grading_submit(actor=None, grading=grading, today=D(2026, 12, 24))
        grading.refresh_from_db()
        self.assertEqual((grading.filing_due, grading.filing_due_provisional), (D(2027, 1, 7), True))
        CalendarDay.objects.create(date=D(2027, 1, 1), kind="holiday", name="元旦")
        workdays.mark_year_loaded(2027, source="国办发明电〔2026〕号")
        grading.refresh_from_db()
        self.assertEqual((grading.filing_due, grading.filing_due_provisional), (D(2027, 1, 8), False))


class AssessmentCycleTests(SimpleTestCase):
    """Art. 14: level 3 at least yearly, level 4 every six months, level 2 by setting, level 5 by special
    requirement (no computed date)."""

    since = D(2026, 3, 15)

    def next(self, level, policy=None, since=since):
        return deadlines.next_assessment(level, since=since, policy=policy or SecurityPolicy())

    def test_level_3_yearly(self):
        self.assertEqual(self.next(3), D(2027, 3, 15))

    def test_level_4_half_yearly(self):
        self.assertEqual(self.next(4), D(2026, 9, 15))

    def test_level_4_clamps_to_the_month_end(self):
        self.assertEqual(self.next(4, since=D(2026, 8, 31)), D(2027, 2, 28))

    def test_level_2_by_setting(self):
        self.assertEqual(self.next(2), D(2028, 3, 15))  # default 24 months
        self.assertEqual(self.next(2, SecurityPolicy(level2_assessment_months=36)), D(2029, 3, 15))

    def test_level_1_and_level_5_have_no_computed_date(self):
        self.assertIsNone(self.next(1))
        self.assertIsNone(self.next(5))

    def test_no_start_no_date(self):
        self.assertIsNone(deadlines.next_assessment(3, since=None, policy=SecurityPolicy()))


class SelfInspectionTests(SimpleTestCase):
    since = D(2026, 3, 15)

    def next(self, level, policy=None):
        return deadlines.next_self_inspection(level, since=self.since, policy=policy or SecurityPolicy())

    def test_levels_2_and_3_yearly_by_setting(self):
        self.assertEqual(self.next(2), D(2027, 3, 15))
        self.assertEqual(self.next(3), D(2027, 3, 15))
        self.assertEqual(self.next(3, SecurityPolicy(self_inspection_months=6)), D(2026, 9, 15))

    def test_level_4_every_six_months_whatever_the_setting(self):
        self.assertEqual(self.next(4), D(2026, 9, 15))
        self.assertEqual(self.next(4, SecurityPolicy(self_inspection_months=12)), D(2026, 9, 15))

    def test_level_1_and_level_5_none(self):
        self.assertIsNone(self.next(1))
        self.assertIsNone(self.next(5))


class CryptoAssessmentCycleTests(SimpleTestCase):
    """GB/T 39786-2021: at least yearly for important systems (level 3+, or core/important data)."""

    def next(self, level, data_class):
        return deadlines.next_crypto_assessment(
            assessed_on=D(2026, 3, 15), level=level, data_class=data_class, policy=SecurityPolicy()
        )

    def test_important_systems_yearly(self):
        self.assertEqual(self.next(3, "general"), D(2027, 3, 15))
        self.assertEqual(self.next(2, "important"), D(2027, 3, 15))
        self.assertEqual(self.next(None, "core"), D(2027, 3, 15))

    def test_others_every_two_cycles(self):
        self.assertEqual(self.next(2, "general"), D(2028, 3, 15))


class StoredDeadlinesTests(TestCase):
    """The grading's stored deadlines follow its state, level, filing and assessments (services.schedule)."""

    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()

    def test_draft_has_no_deadlines(self):
        grading = new_grading(self.tree.dept_a, level=3)
        self.assertEqual(
            (grading.filing_due, grading.next_assessment_due, grading.next_self_inspection_due), (None,) * 3
        )

    def test_submit_sets_filing_due_from_grading_or_go_live(self):
        grading = new_grading(self.tree.dept_a, level=3)
        services.grading_submit(actor=None, grading=grading, today=D(2026, 3, 2))
        self.assertEqual(Grading.objects.get(pk=grading.pk).filing_due, D(2026, 4, 1))
        later = new_grading(system=new_system(self.tree.dept_a, go_live_date=D(2026, 12, 1)), level=2)
        services.grading_submit(actor=None, grading=later, today=D(2026, 3, 2))
        self.assertEqual(Grading.objects.get(pk=later.pk).filing_due, D(2026, 12, 31))

    def test_level_1_never_has_a_filing_due(self):
        grading = new_grading(self.tree.dept_a, level=1)
        services.grading_submit(actor=None, grading=grading, today=D(2026, 3, 2))
        self.assertIsNone(Grading.objects.get(pk=grading.pk).filing_due)

    def test_filing_clears_filing_due_and_starts_the_cycles(self):
        grading = filed_grading(self.tree.dept_a, level=3, filed_on=D(2026, 3, 20))
        self.assertEqual(grading.state, GradingState.FILED)
        self.assertIsNone(grading.filing_due)
        self.assertEqual(grading.next_assessment_due, D(2027, 3, 20))
        self.assertEqual(grading.next_self_inspection_due, D(2027, 3, 20))
        level4 = filed_grading(self.tree.dept_a, level=4, filed_on=D(2026, 3, 20))
        self.assertEqual(
            (level4.next_assessment_due, level4.next_self_inspection_due), (D(2026, 9, 20), D(2026, 9, 20))
        )
        level5 = filed_grading(self.tree.dept_a, level=5, filed_on=D(2026, 3, 20))
        self.assertEqual((level5.next_assessment_due, level5.next_self_inspection_due), (None, None))

    def test_the_latest_assessment_restarts_the_cycle(self):
        grading = filed_grading(self.tree.dept_a, level=3, filed_on=D(2026, 3, 20))
        Assessment.objects.create(
            system=grading.system, level=3, assessed_on=D(2026, 6, 1), conclusion="pass", institution="某测评中心"
        )
        Assessment.objects.create(
            system=grading.system,
            kind=AssessmentKind.SELF_INSPECTION,
            level=3,
            assessed_on=D(2026, 7, 1),
            conclusion="basic",
        )
        from security.services import schedule

        schedule.refresh_system(grading.system)
        grading.refresh_from_db()
        self.assertEqual(
            (grading.next_assessment_due, grading.next_self_inspection_due), (D(2027, 6, 1), D(2027, 7, 1))
        )
