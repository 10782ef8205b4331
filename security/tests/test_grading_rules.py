"""The GB/T 22240-2020 grading table (DOMAIN.md §3), cell by cell: both harms, every object × degree, the level as
the higher sub-level, and the one cell that is a setting (citizens × especially serious: 2 by the 2020 text, 3 by
the 2018 draft regulation)."""

import itertools

from django.test import SimpleTestCase

from security import grading
from security.choices import HarmDegree, HarmObject

C, S, N = HarmObject.CITIZEN, HarmObject.SOCIETY, HarmObject.NATION
G, SE, ES = HarmDegree.GENERAL, HarmDegree.SERIOUS, HarmDegree.ESPECIALLY_SERIOUS

# Written out from the standard's table, not derived from the code under test.
STANDARD = {
    (C, G): 1,
    (C, SE): 2,
    (C, ES): 2,
    (S, G): 2,
    (S, SE): 3,
    (S, ES): 4,
    (N, G): 3,
    (N, SE): 4,
    (N, ES): 5,
}
CELLS = list(STANDARD)


class SubLevelTests(SimpleTestCase):
    def test_every_cell_for_business_and_service(self):
        for (obj, degree), expected in STANDARD.items():
            harm = grading.Harm(obj, degree)
            with self.subTest(object=obj, degree=degree):
                self.assertEqual(grading.sub_level(harm), expected)
                self.assertEqual(grading.grade(harm, grading.Harm(C, G)).business_level, expected)
                self.assertEqual(grading.grade(grading.Harm(C, G), harm).service_level, expected)

    def test_the_table_has_nine_cells_and_covers_every_choice(self):
        self.assertEqual(set(CELLS), set(itertools.product(HarmObject, HarmDegree)))

    def test_setting_cell_defaults_to_level_2(self):
        self.assertEqual(grading.sub_level(grading.Harm(C, ES)), 2)

    def test_setting_cell_can_be_level_3(self):
        self.assertEqual(grading.sub_level(grading.Harm(C, ES), citizen_especially_serious=3), 3)
        result = grading.grade(grading.Harm(C, ES), grading.Harm(C, ES), citizen_especially_serious=3)
        self.assertEqual((result.business_level, result.service_level, result.level), (3, 3, 3))

    def test_setting_changes_no_other_cell(self):
        for cell, expected in STANDARD.items():
            if cell == (C, ES):
                continue
            with self.subTest(cell=cell):
                self.assertEqual(grading.sub_level(grading.Harm(*cell), citizen_especially_serious=3), expected)

    def test_setting_accepts_only_2_or_3(self):
        for bad in (1, 4, 5, 0):
            with self.subTest(setting=bad), self.assertRaises(ValueError):
                grading.sub_level(grading.Harm(C, ES), citizen_especially_serious=bad)

    def test_unknown_object_or_degree_is_refused(self):
        for harm in (grading.Harm("enterprise", "general"), grading.Harm("citizen", "catastrophic")):
            with self.subTest(harm=harm), self.assertRaises(ValueError):
                grading.sub_level(harm)


class LevelTests(SimpleTestCase):
    def test_level_is_the_higher_of_the_two_for_all_81_pairs(self):
        for setting in (2, 3):
            for business, service in itertools.product(CELLS, CELLS):
                expected_b = setting if business == (C, ES) else STANDARD[business]
                expected_s = setting if service == (C, ES) else STANDARD[service]
                with self.subTest(setting=setting, business=business, service=service):
                    result = grading.grade(
                        grading.Harm(*business), grading.Harm(*service), citizen_especially_serious=setting
                    )
                    self.assertEqual(result.business_level, expected_b)
                    self.assertEqual(result.service_level, expected_s)
                    self.assertEqual(result.level, max(expected_b, expected_s))

    def test_examples(self):
        # A county social-security settlement system: serious harm to public order (3) beats general harm to
        # citizens' service (1).
        self.assertEqual(grading.grade(grading.Harm(S, SE), grading.Harm(C, G)).level, 3)
        # Especially serious harm to national security is the top level whichever harm it is.
        self.assertEqual(grading.grade(grading.Harm(C, G), grading.Harm(N, ES)).level, 5)
