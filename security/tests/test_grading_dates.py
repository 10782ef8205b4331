"""The dates of a grading follow one another: graded_on ≤ approved_on ≤ filed_on and certificate_date, none in the
future (services.grading) — through the service and through the step pages."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from security.choices import GradingState as S
from security.models import Grading
from security.services import grading as services
from security.tests.test_grading_workflow import WorkflowTestCase

D = dt.date


class DateOrderTests(WorkflowTestCase):
    """graded_on ≤ approved_on ≤ filed_on and certificate_date, none in the future (a late entry keeps its dates,
    but never ones before the grading it files)."""

    APPROVAL = {"approved_by_name": "甲县委网信办"}

    def test_the_approval_cannot_predate_the_grading(self):
        grading = self.in_approval()  # graded 2026-03-02
        response = self.step(grading, "approve", self.cio, {**self.APPROVAL, "approved_on": "2026-03-01"})
        self.assertIsNone(Grading.objects.get(pk=grading.pk).approved_on)
        self.assertTrue(any("cannot predate the grading" in m and "2026-03-02" in m for m in self.messages(response)))
        self.step(grading, "approve", self.cio, {**self.APPROVAL, "approved_on": "2026-03-02"})
        self.assertEqual(Grading.objects.get(pk=grading.pk).approved_on, D(2026, 3, 2))

    def test_the_approval_cannot_lie_ahead(self):
        grading = self.in_approval()
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        response = self.step(grading, "approve", self.cio, {**self.APPROVAL, "approved_on": tomorrow.isoformat()})
        self.assertIsNone(Grading.objects.get(pk=grading.pk).approved_on)
        self.assertTrue(any("future" in m for m in self.messages(response)))

    def test_filing_and_certificate_cannot_predate_the_approval(self):
        grading = self.in_approval(approved=True)  # approved 2026-03-05
        data = {"filing_number": "33012213001-26003", "certificate_date": "2026-03-04", "filed_on": "2026-03-04"}
        with self.assertRaises(ValidationError) as caught:
            services.grading_file(
                actor=None,
                grading=grading,
                filing_number=data["filing_number"],
                certificate_date=D(2026, 3, 4),
                filed_on=D(2026, 3, 4),
            )
        self.assertEqual(set(caught.exception.message_dict), {"certificate_date", "filed_on"})
        self.assertIn("2026-03-05", caught.exception.message_dict["filed_on"][0])
        response = self.step(grading, "file", self.cio, data)
        self.assertEqual(self.state(grading), S.APPROVAL)
        self.assertTrue(any("cannot predate the approval" in m for m in self.messages(response)))

    def test_filing_and_certificate_cannot_lie_ahead(self):
        grading = self.in_approval(approved=True)
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        for field in ("certificate_date", "filed_on"):
            with self.subTest(field=field):
                dates = {"certificate_date": D(2026, 3, 20), "filed_on": D(2026, 3, 18), field: tomorrow}
                with self.assertRaises(ValidationError) as caught:
                    services.grading_file(actor=None, grading=grading, filing_number="33012213001-26003", **dates)
                self.assertEqual(list(caught.exception.message_dict), [field])
        self.assertEqual(self.state(grading), S.APPROVAL)

    def test_dates_in_order_file_the_grading(self):
        grading = self.in_approval(approved=True)
        services.grading_file(
            actor=None,
            grading=grading,
            filing_number="33012213001-26003",
            certificate_date=D(2026, 3, 5),
            filed_on=D(2026, 3, 5),
        )
        self.assertEqual(self.state(grading), S.FILED)
