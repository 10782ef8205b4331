"""An open-data portal's catalog as users have it (JSON list or Excel sheet with Chinese column names): columns found
by their names and synonyms, the provider matched to a unit, codes assigned, nothing lost, re-import updates."""

import io
import json

from django.urls import reverse
from openpyxl import Workbook

from core.models import Unit
from inventory import choices as c
from inventory import dcat
from inventory.dcat_plan import Options
from inventory.models import DataResource

from .test_dcat import DcatTestCase, upload

ROWS = [
    {
        "标题": "公共厕所分布",
        "摘要": "城区公共厕所位置及开放时间",
        "数据提供方": "PROVIDER",
        "数据领域": "城建住房",
        "更新频率": "每季度",
        "资源格式": "CSV,XLSX",
        "开放条件": "无条件开放",
        "关键字": "厕所；便民",
        "发布时间": "2024-05-20",
        "浏览量": 1024,
    },
    {
        "名称": "企业信用评价",
        "描述": "企业公共信用综合评价结果",
        "提供机构": "某不存在的局",
        "主题": "信用服务",
        "更新周期": "每月",
        "数据格式": "API",
        "公开属性": "有条件开放",
        "关键词": "信用",
        "发布日期": "2023-11-01",
    },
]


class PortalTests(DcatTestCase):
    def rows(self):
        unit = self.tree.sub_a
        return [{**ROWS[0], "数据提供方": unit.name}, ROWS[1]]

    def plan(self, data, name="portal.json"):
        return dcat.parse(upload(data, name), user=self.cio, options=Options(classification="301008"), name=name)

    def test_json_list_columns_by_name_and_synonyms(self):
        plan = self.plan(self.rows())
        self.assertEqual(plan.format, dcat.PORTAL)
        first, second = plan.datasets
        self.assertTrue(first.ok and second.ok, [first.problems, second.problems])
        self.assertEqual((first.code, second.code), ("301008/000001", "301008/000002"))
        self.assertEqual((first.row["name"], second.row["name"]), ("公共厕所分布", "企业信用评价"))
        self.assertEqual(first.row["abstract"], "城区公共厕所位置及开放时间")
        self.assertEqual((first.row["update_cycle"], second.row["update_cycle"]), ("quarterly", "monthly"))
        self.assertEqual(first.row["open_attribute"], c.OpenAttribute.OPEN)
        self.assertEqual(second.row["open_attribute"], c.OpenAttribute.CONDITIONAL)
        self.assertEqual(second.row["sharing_type"], c.SharingType.CONDITIONAL)  # not public: never unconditional
        self.assertEqual(first.row["format"], c.ResourceFormat.SPREADSHEET)
        self.assertEqual(second.row["format"], c.ResourceFormat.API)
        self.assertEqual(str(first.row["publication_date"]), "2024-05-20")
        extra = first.row["extra_metadata"]
        self.assertEqual(extra["keyword"], ["厕所", "便民"])
        self.assertEqual(extra["theme"], ["城建住房"])
        self.assertEqual(extra["浏览量"], 1024)  # an unknown column is kept, and named
        self.assertTrue(any("浏览量" in u for u in first.unmapped))
        self.assertEqual(first.provider, self.tree.sub_a)  # matched by name
        self.assertIsNone(second.provider)
        self.assertTrue(any("某不存在的局" in u for u in second.unmapped))

    def test_excel_sheet_imports_and_reimport_updates(self):
        book = Workbook()
        sheet = book.active
        header = list(ROWS[0])
        sheet.append(header)
        sheet.append(
            [self.tree.sub_a.short_name or self.tree.sub_a.name if k == "数据提供方" else ROWS[0][k] for k in header]
        )
        data = io.BytesIO()
        book.save(data)
        self.client.force_login(self.cio)
        for actions in (["create"], ["update"]):  # the second import finds the entry again
            response = self.client.post(
                reverse("inventory:dcat_import"),
                {"file": upload(data.getvalue(), "目录.xlsx"), "unit": self.tree.township_a.pk,
                 "classification": "301008", "format": "auto"},
            )  # fmt: skip
            self.assertEqual(response.status_code, 200, response.context.get("file_error"))
            self.assertEqual(response.context["plan"].format, dcat.PORTAL)
            self.assertEqual([d.action for d in response.context["plan"].datasets], actions)
            shown = {"token": response.context["token"], "expect": response.context["expect"], "action": "import"}
            self.assertEqual(self.client.post(reverse("inventory:dcat_import"), shown).status_code, 302)
        resource = DataResource.objects.get(source_identifier="公共厕所分布")
        self.assertEqual((resource.code, resource.provider), ("301008/000001", self.tree.sub_a))
        self.assertEqual(resource.extra_metadata["浏览量"], "1024")

    def test_not_a_portal_list(self):
        with self.assertRaises(dcat.DcatError):
            self.plan([{"a": 1, "b": 2}], name="x.json")
        with self.assertRaises(dcat.DcatError):
            dcat.parse(upload(json.dumps([{"x": 1}]).encode()), user=self.cio, fmt=dcat.PORTAL)
        self.assertTrue(Unit.objects.exists())
