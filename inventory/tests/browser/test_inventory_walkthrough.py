"""A CIO's walk through the inventory in headless Chromium: import a register from Excel, open the county overview,
drill into a department and a system, open its blast-radius graph, run the zombie check, export the catalog as DCAT
and re-import it into an empty unit with nothing lost."""

import datetime as dt
import json

import openpyxl
import pytest
from django.utils import translation

from core.testing import build_tree, make_unit, make_user
from core.tests.browser.fixtures import ARTIFACTS, shot
from core.tests.browser.test_walkthrough import login
from inventory.models import DataItem, DataResource, Link, System
from inventory.schemas import system_schema
from inventory.services import link_save

pytestmark = pytest.mark.django_db(transaction=True)


def register_xlsx(rows) -> str:
    with translation.override("zh-hans"):
        headers = [str(c.header) for c in system_schema.columns]
    names = [c.name for c in system_schema.columns]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(name, "") for name in names])
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "register.xlsx"
    book.save(path)
    return str(path)


def test_inventory_walkthrough(page):
    tree = build_tree()
    make_user("zhou_cio", "cio", tree.county_a, full_name="周建国")
    long_ago = (dt.date.today() - dt.timedelta(days=900)).isoformat()
    path = register_xlsx(
        [
            {
                "name": "甲县财政预算管理一体化系统",
                "code": "SYS-CZ-001",
                "owner_unit": "990001-CZ",
                "status": "运行中",
                "hosting": "政务云",
                "network": "政务外网",
                "user_count": 300,
                "go_live_date": "2021-06-30",
                "last_active_date": dt.date.today().isoformat(),
                "annual_om_cost": "18",
            },
            {
                "name": "甲县数据共享交换平台",
                "code": "SYS-CZ-002",
                "owner_unit": "990001-CZ",
                "status": "运行中",
                "hosting": "政务云",
                "network": "政务外网",
                "user_count": 50,
                "go_live_date": "2019-03-01",
                "last_active_date": dt.date.today().isoformat(),
            },
            {
                "name": "甲县政务微博管理系统",
                "code": "SYS-CZ-003",
                "owner_unit": "990001-CZ",
                "status": "运行中",
                "hosting": "自建机房",
                "network": "互联网",
                "user_count": 2,
                "go_live_date": "2012-05-01",
                "last_active_date": long_ago,
                "om_contract_end": "2020-12-31",
            },
        ]
    )
    login(page, "zhou_cio")
    page.wait_for_url(page.base + "/")

    # import the register from Excel
    page.goto(page.base + "/inventory/systems/import/")
    page.set_input_files("#import-file", path)
    page.click("#check-file")
    page.wait_for_selector("#import-preview")
    page.click("#confirm-import")
    page.wait_for_url("**/inventory/systems/")
    assert System.objects.filter(code__startswith="SYS-CZ-").count() == 3
    hub, budget = System.objects.get(code="SYS-CZ-002"), System.objects.get(code="SYS-CZ-001")
    link_save(actor=None, link=Link(from_system=hub, to_system=budget, method="api", frequency="daily"))

    # the county overview, then a department, then a system
    page.goto(page.base + f"/inventory/overview/?unit={tree.county_a.pk}")
    assert page.locator("#stat-systems").inner_text().strip().startswith("3")
    shot(page, "11-overview")
    page.locator("#department-table").get_by_text("甲县财政局").first.click()
    page.wait_for_load_state()
    page.goto(page.base + hub.get_absolute_url())
    assert page.locator("#system-code").inner_text().strip() == "SYS-CZ-002"

    # blast radius: the budget system depends on the exchange platform
    page.click("#impact")
    page.wait_for_selector("#impact-graph canvas")
    assert "甲县财政预算管理一体化系统" in page.locator("#impact-table").inner_text()
    shot(page, "12-impact")

    # zombie check: the old microblog system is flagged with its reasons
    page.goto(page.base + "/inventory/zombies/")
    assert "甲县政务微博管理系统" in page.content()
    assert "甲县财政预算管理一体化系统" not in page.content()
    shot(page, "13-zombies")

    # DCAT: export the catalog, empty the unit, import into another, empty unit, and compare field by field
    resource = DataResource.objects.create(
        kind="departmental",
        class_code="3",
        item_code="01",
        category_code="002",
        code="301002/000001",
        name="财政预算执行信息",
        provider=tree.dept_a,
        abstract="县级财政预算执行情况",
        format="database",
        sharing_type="conditional",
        sharing_conditions="仅用于预算绩效评价",
        sharing_method="platform",
        open_attribute="not_open",
        update_cycle="monthly",
        publication_date=dt.date(2025, 3, 1),
        system=budget,
        data_class="important",
    )
    DataItem.objects.create(resource=resource, name="预算单位", data_type="string", position=1)
    DataItem.objects.create(resource=resource, name="执行金额", data_type="decimal", position=2)
    fields = [
        "kind",
        "class_code",
        "item_code",
        "category_code",
        "detail_code",
        "code",
        "name",
        "abstract",
        "format",
        "sharing_type",
        "sharing_conditions",
        "sharing_method",
        "open_attribute",
        "update_cycle",
        "publication_date",
        "related_codes",
        "data_class",
    ]
    before = DataResource.objects.filter(pk=resource.pk).values(*fields).get()
    page.goto(page.base + f"/inventory/catalog/dcat/export/?unit={tree.dept_a.pk}")
    with page.expect_download() as download:
        page.click("#dcat-download")
    document = download.value.path().read_bytes()
    json.loads(document)
    exported = ARTIFACTS / "catalog.jsonld"
    exported.write_bytes(document)
    DataItem.objects.filter(resource=resource).delete()
    resource.delete()
    empty = make_unit("甲县统计局", "990001-TJ", "department", tree.county_a)
    page.goto(page.base + "/inventory/catalog/dcat/import/")
    page.set_input_files("input[type=file]", str(exported))
    box = page.locator("#dcat-import-form .autocomplete")
    box.locator(".ac-input").fill("统计局")
    box.locator(".ac-results button").first.click()
    page.click("#check-file")
    page.wait_for_selector("#dcat-confirm")
    shot(page, "14-dcat-preview")
    page.click("#confirm-import")
    page.wait_for_load_state()
    imported = DataResource.objects.get(code="301002/000001")
    assert imported.provider == empty
    assert DataResource.objects.filter(pk=imported.pk).values(*fields).get() == before
    assert list(imported.items.values_list("name", "data_type")) == [("预算单位", "string"), ("执行金额", "decimal")]
