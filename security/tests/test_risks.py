"""The risk register (风险台账): rating bands and the heat map, the kit's suites, relations saved with their scope
checks, imports with code lists separated by 、 and bulk edit of status and owner."""

import datetime as dt
import io
import itertools

from django.test import SimpleTestCase, TestCase
from django.urls import reverse
from django.utils import timezone

from core import testing
from core.models import AuditRecord
from core.testing import csv_bytes
from inventory.tests.factories import new_resource, new_system
from security import choices as c
from security.models import Risk
from security.models.risks import rating
from security.schemas.risks import risk_schema
from security.selectors.risks import heat_map
from security.services.risks import risk_save

_n = itertools.count(1)
TITLES = [
    "政务外网边界防护策略老化",
    "核心数据库未启用透明加密",
    "运维账号共用且未定期更换口令",
    "第三方运维人员远程接入缺少审计",
    "电子证照接口缺少调用频率限制",
]


def new_risk(unit, *, systems=(), data_resources=(), **fields) -> Risk:
    n = next(_n)
    values = {
        "unit": unit,
        "title": f"{TITLES[n % len(TITLES)]}（{n:03d}）",
        "description": "年度自查发现",
        "likelihood": 3,
        "impact": 4,
        "treatment": c.Treatment.REDUCE,
        "treatment_plan": "年内完成整改并复测",
        "due_date": dt.date(2026, 12, 31),
    }
    values.update(fields)
    return risk_save(actor=None, risk=Risk(**values), systems=list(systems), data_resources=list(data_resources))


class RatingTests(SimpleTestCase):
    def test_bands_of_the_five_by_five_matrix(self):
        bands = {score: rating(score) for score in {a * b for a in range(1, 6) for b in range(1, 6)}}
        self.assertEqual([s for s, b in bands.items() if b == "low"], [1, 2, 3, 4])
        self.assertEqual(sorted(s for s, b in bands.items() if b == "medium"), [5, 6, 8, 9])
        self.assertEqual(sorted(s for s, b in bands.items() if b == "high"), [10, 12, 15, 16])
        self.assertEqual(sorted(s for s, b in bands.items() if b == "extreme"), [20, 25])

    def test_risk_rating_follows_its_score(self):
        self.assertEqual(Risk(likelihood=4, impact=5).rating, "extreme")
        self.assertEqual(Risk(likelihood=3, impact=3).rating, "medium")
        self.assertEqual(Risk(likelihood=2, impact=5).rating, "high")
        self.assertEqual(Risk(likelihood=1, impact=4).rating, "low")


class HeatMapTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.cio = testing.make_user("cio_heat", "cio", cls.tree.county_a)
        for likelihood, impact in [(5, 5), (5, 5), (4, 5), (1, 1), (3, 2)]:
            new_risk(cls.tree.dept_a, likelihood=likelihood, impact=impact)
        new_risk(cls.tree.dept_b, likelihood=5, impact=5)  # another county: never counted

    def test_counts_per_cell_and_band(self):
        heat = heat_map(Risk.objects.restrict(self.cio, "view"))
        self.assertEqual(heat.total, 5)
        self.assertEqual(heat.count(5, 5), 2)
        self.assertEqual(heat.count(4, 5), 1)
        self.assertEqual(heat.count(1, 5), 0)
        self.assertEqual(heat.by_rating(), {"low": 1, "medium": 1, "high": 0, "extreme": 3})
        top_row = heat.rows[0][1]
        self.assertEqual([cell.likelihood for cell in top_row], [5] * 5)
        self.assertEqual([cell.impact for cell in top_row], [1, 2, 3, 4, 5])

    def test_clicking_a_cell_filters_the_list(self):
        self.client.force_login(self.cio)
        url = reverse("security:risk_list")
        page = self.client.get(url)
        self.assertContains(page, 'id="cell-5-5"')
        self.assertEqual(page.context["heat"].count(5, 5), 2)
        response = self.client.get(url, {"likelihood": 5, "impact": 5})
        listed = {obj.pk for obj in response.context["page"].object_list}
        self.assertEqual(
            listed,
            set(Risk.objects.restrict(self.cio, "view").filter(likelihood=5, impact=5).values_list("pk", flat=True)),
        )
        heat = response.context["heat"]
        self.assertEqual(heat.count(1, 1), 1, "the other cells keep their counts")
        self.assertTrue(next(cell for _l, row in heat.rows for cell in row if cell.selected).score == 25)

    def test_rating_filter(self):
        self.client.force_login(self.cio)
        response = self.client.get(reverse("security:risk_list"), {"rating": "extreme"})
        self.assertEqual(len(response.context["page"].object_list), 3)
        response = self.client.get(reverse("security:risk_list"), {"rating": "high"})
        self.assertEqual(len(response.context["page"].object_list), 0)


class RiskViewTests(testing.StandardViewTests):
    model = Risk
    namespace = "security"
    edit_changes = {"status": "treating"}
    bulk_changes = {"status": "closed"}

    def make_object(self, unit):
        return new_risk(unit, systems=[new_system(unit)])

    def edit_data(self, obj):
        data = super().edit_data(obj)
        data["systems"] = [s.pk for s in data.get("systems", [])]
        data["data_resources"] = [r.pk for r in data.get("data_resources", [])]
        return data

    def form_data(self):
        return {
            "title": "政务云租户隔离配置不当",
            "unit": self.tree.dept_a.pk,
            "likelihood": 2,
            "impact": 5,
            "systems": [new_system(self.tree.dept_a).pk],
            "data_resources": [new_resource(self.tree.dept_a).pk],
            "treatment": "reduce",
            "status": "open",
        }

    def import_csv(self):
        a, b = new_system(self.tree.dept_a), new_system(self.tree.sub_a)
        resource = new_resource(self.tree.dept_a)
        return csv_bytes(
            risk_schema,
            [
                {
                    "title": "互联网出口未部署 Web 应用防火墙",
                    "unit": "990001-CZ",
                    "likelihood": "4",
                    "impact": "4",
                    "systems": f"{a.code}、{b.code}",
                    "data_resources": resource.code,
                    "owner": "kit_user",
                    "due_date": "2026-10-31",
                },
                {"title": "机房 UPS 电池老化", "unit": "990001-CZ-01", "likelihood": "2", "impact": "3"},
            ],
        )

    def test_create_saves_relations_with_an_audit_record(self):
        self.test_create()
        risk = Risk.objects.get(title="政务云租户隔离配置不当")
        self.assertEqual((risk.systems.count(), risk.data_resources.count()), (1, 1))
        events = set(AuditRecord.objects.filter(object_id=str(risk.pk)).values_list("event", flat=True))
        self.assertLessEqual({"systems_set", "data_resources_set"}, events)

    def test_a_system_outside_scope_is_a_field_error(self):
        self.login()
        data = {**self.form_data(), "systems": [new_system(self.tree.dept_b).pk]}
        response = self.client.post(self.url("add"), data)
        self.assertEqual(response.status_code, 400)
        self.assertIn("systems", response.context["form"].errors)
        self.assertFalse(Risk.objects.filter(title="政务云租户隔离配置不当").exists())

    def test_edit_keeps_systems_the_user_cannot_see(self):
        hidden = new_system(self.tree.dept_b)
        self.inside.systems.add(hidden)
        self.login()
        data = self.edit_data(self.inside)
        data["systems"] = [s.pk for s in self.inside.systems.all() if s.pk != hidden.pk]
        self.assertEqual(self.client.post(self.url("edit", self.inside.pk), data).status_code, 302)
        self.assertIn(hidden, self.inside.systems.all())
        body = self.client.get(self.detail_url(self.inside)).content.decode()
        self.assertNotIn(hidden.name, body)
        self.assertIn('id="risk-systems"', body)

    def test_import_resolves_codes_separated_by_dunhao(self):
        self.test_import_validates_then_commits()
        risk = Risk.objects.get(title="互联网出口未部署 Web 应用防火墙")
        self.assertEqual(risk.systems.count(), 2)
        self.assertEqual(risk.data_resources.count(), 1)
        self.assertEqual(risk.owner, self.user)
        self.assertEqual(Risk.objects.get(title="机房 UPS 电池老化").systems.count(), 0)

    def test_import_reports_codes_outside_scope_per_row(self):
        self.login()
        outside = new_system(self.tree.dept_b)
        rows = [
            {"title": "终端未统一安装防病毒软件", "unit": "990001-CZ", "likelihood": "3", "impact": "3"},
            {"title": "日志留存不足六个月", "unit": "990001-CZ", "likelihood": "6", "impact": "3"},
            {"title": "备份未异地存放", "unit": "990001-CZ", "likelihood": "2", "impact": "4", "systems": outside.code},
        ]
        upload = io.BytesIO(csv_bytes(risk_schema, rows))
        upload.name = "risks.csv"
        response = self.client.post(self.url("import"), {"file": upload})
        self.assertEqual(response.status_code, 400)
        self.assertEqual([e.row for e in response.context["result"].errors], [3, 4])
        self.assertIn(outside.code, response.context["result"].errors[1].message)
        self.assertFalse(Risk.objects.filter(title="终端未统一安装防病毒软件").exists())

    def test_bulk_edit_sets_owner(self):
        self.login()
        url = self.url("bulk_edit")
        data = {"pk": [self.inside.pk], "_apply": "1", "owner": self.user.pk, "apply_owner": "on"}
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.inside.refresh_from_db()
        self.assertEqual(self.inside.owner, self.user)

    def test_export_names_systems(self):
        self.login()
        response = self.client.get(self.url("list") + "?export=csv")
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        self.assertIn(self.inside.systems.get().name, body)


class RiskAPITests(testing.StandardAPITests):
    model = Risk
    api_basename = "risk"
    api_changes = {"status": "treating"}

    def make_object(self, unit):
        return new_risk(unit)

    def api_create_data(self):
        return {
            "title": "视频会议系统弱口令",
            "unit": self.tree.dept_a.pk,
            "likelihood": 4,
            "impact": 3,
            "systems": [new_system(self.tree.dept_a).pk],
        }

    def test_api_relations_are_scoped_and_rating_is_read(self):
        self.auth()
        data = {**self.api_create_data(), "systems": [new_system(self.tree.dept_b).pk]}
        self.assertEqual(self.api.post(self.api_url(), data, format="json").status_code, 400)
        response = self.api.post(self.api_url(), self.api_create_data(), format="json")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual((response.json()["score"], response.json()["rating"]), (12, "high"))
        self.assertEqual(len(response.json()["systems"]), 1)


class SystemPanelTests(TestCase):
    """The system page's panel: the fusion score with its reasons and the open risks naming the system."""

    @classmethod
    def setUpTestData(cls):
        cls.tree = testing.build_tree()
        cls.cio = testing.make_user("cio_panel", "cio", cls.tree.county_a)
        cls.staff = testing.make_user("staff_panel", "staff", cls.tree.county_a)
        cls.system = new_system(cls.tree.dept_a, network="internet")
        cls.open = new_risk(cls.tree.dept_a, systems=[cls.system], likelihood=5, impact=5)
        cls.closed = new_risk(cls.tree.dept_a, systems=[cls.system], status="closed")

    def test_panel(self):
        from django.template.loader import render_to_string

        from inventory import impact
        from security.fusion import weights
        from security.views.risks import system_panel

        impact.build_graph()
        panel = system_panel(self.cio, self.system)["risks_panel"]
        self.assertEqual(panel["risks"], [self.open])
        self.assertEqual(panel["risk_count"], 1)
        self.assertEqual(panel["exposure"].points("exposure"), weights()["exposure"]["internet"])
        html = render_to_string("security/system_risks.html", system_panel(self.cio, self.system))
        self.assertIn(self.open.title, html)
        self.assertIn(reverse("security:compromise", args=[self.system.pk]), html)
        self.assertEqual(system_panel(self.staff, self.system), {"risks_panel": None})


class OverdueFilterTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        tree = testing.build_tree()
        cls.cio = testing.make_user("cio_overdue", "cio", tree.county_a)
        yesterday = timezone.localdate() - dt.timedelta(days=1)
        cls.late = new_risk(tree.dept_a, due_date=yesterday)
        cls.closed = new_risk(tree.dept_a, due_date=yesterday, status="closed")
        cls.later = new_risk(tree.dept_a, due_date=timezone.localdate() + dt.timedelta(days=30))

    def test_past_due_means_not_closed_and_due_date_passed(self):
        self.client.force_login(self.cio)
        listed = self.client.get(reverse("security:risk_list"), {"overdue": "yes"}).context["page"].object_list
        self.assertEqual(list(listed), [self.late])
        listed = self.client.get(reverse("security:risk_list"), {"overdue": "no"}).context["page"].object_list
        self.assertEqual({r.pk for r in listed}, {self.closed.pk, self.later.pk})
