"""Findings and risks are found by the global search, through the gate: a CVE number or a weakness by its words."""

import datetime as dt

from django.test import TestCase

from core import testing
from core.search.query import search
from security.models import Finding, Risk
from security.services.findings import finding_save
from security.services.risks import risk_save
from security.tests.grading_factories import new_system


class SecuritySearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.cio = testing.make_user("feng_cio", "cio", cls.tree.county_a, full_name="冯涛")
        cls.other = testing.make_user("chu_cio", "cio", cls.tree.county_b, full_name="褚敏")
        system = new_system(cls.tree.dept_a)
        finding_save(
            actor=cls.cio,
            finding=Finding(
                system=system,
                source="scanner",
                title="Apache Log4j2 远程代码执行漏洞",
                reference="CVE-2021-44228",
                asset="10.12.3.21:8080",
                severity="critical",
                found_on=dt.date(2026, 11, 20),
            ),
        )
        risk_save(
            actor=cls.cio,
            risk=Risk(unit=cls.tree.dept_a, title="核心业务数据库单点故障", likelihood=3, impact=5),
            systems=[system],
            data_resources=[],
        )

    def titles(self, user, q):
        return {hit.title for group in search(user, q) for hit in group.hits}

    def test_a_cve_number_finds_the_finding(self):
        self.assertIn("Apache Log4j2 远程代码执行漏洞", self.titles(self.cio, "CVE-2021-44228"))

    def test_chinese_words_find_findings_and_risks(self):
        self.assertIn("Apache Log4j2 远程代码执行漏洞", self.titles(self.cio, "远程代码执行"))
        self.assertIn("核心业务数据库单点故障", self.titles(self.cio, "单点故障"))

    def test_outside_the_subtree_nothing_is_found(self):
        self.assertEqual(self.titles(self.other, "CVE-2021-44228"), set())
        self.assertEqual(self.titles(self.other, "单点故障"), set())
