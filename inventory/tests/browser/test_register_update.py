"""The register kept in Excel, in headless Chromium: a CIO exports the county's systems, changes three rows in the
workbook (openpyxl, as Excel would save them), uploads it again in the "add and update" mode, sees the three changes
in the preview with the unchanged rows counted, and applies them."""

import openpyxl
import pytest
from playwright.sync_api import expect

from core.testing import build_tree, make_user
from core.tests.browser.fixtures import ARTIFACTS, shot
from core.tests.browser.test_walkthrough import login
from inventory import choices as c
from inventory.models import System
from inventory.tests.factories import new_system

pytestmark = pytest.mark.django_db(transaction=True)


def edit(path: str) -> tuple[str, list[str]]:
    """Change a name, a status and a vendor in rows 2-4; return the saved copy and the codes of those rows."""
    book = openpyxl.load_workbook(path)
    sheet = book.active
    headers = [cell.value for cell in sheet[1]]
    at = {header: headers.index(header) + 1 for header in ("系统名称", "系统代码", "状态", "承建单位")}
    codes = [sheet.cell(row=n, column=at["系统代码"]).value for n in (2, 3, 4)]
    sheet.cell(row=2, column=at["系统名称"]).value = "甲县财政预算管理一体化系统（二期）"
    sheet.cell(row=3, column=at["状态"]).value = "已停用"
    sheet.cell(row=4, column=at["承建单位"]).value = "甲县新运维服务有限公司"
    edited = str(ARTIFACTS / "systems-register-edited.xlsx")
    book.save(edited)
    return edited, codes


def test_export_edit_three_rows_and_import_them_back(page):
    tree = build_tree()
    make_user("zhou_cio", "cio", tree.county_a, full_name="周建国")
    systems = [new_system(tree.dept_a) for _ in range(4)] + [new_system(tree.township_a) for _ in range(2)]
    login(page, "zhou_cio")
    page.wait_for_url(page.base + "/")

    page.goto(page.base + "/inventory/systems/")
    page.click("#export-menu")
    with page.expect_download() as download:
        page.click("#export-register")
    ARTIFACTS.mkdir(exist_ok=True)
    exported = str(ARTIFACTS / "systems-register.xlsx")
    download.value.save_as(exported)
    assert openpyxl.load_workbook(exported).active.max_row == len(systems) + 1
    edited, codes = edit(exported)

    page.goto(page.base + "/inventory/systems/import/")
    page.set_input_files("#import-file", edited)
    page.check("#mode-update")
    page.click("#check-file")
    expect(page.locator("#import-counts")).to_contain_text("更新 3 条", timeout=30_000)
    expect(page.locator("#import-counts")).to_contain_text(f"{len(systems) - 3} 条未变")
    changed = page.locator('#preview-table tr[data-status="changed"]')
    expect(changed).to_have_count(3)
    expect(changed.nth(0)).to_contain_text("系统名称")
    expect(changed.nth(0)).to_contain_text("甲县财政预算管理一体化系统（二期）")
    expect(changed.nth(1)).to_contain_text("运行中 → 已停用")
    expect(changed.nth(2)).to_contain_text("甲县新运维服务有限公司")
    expect(page.locator('#preview-table tr[data-status="unchanged"]')).to_have_count(len(systems) - 3)
    shot(page, "15-register-update-preview")

    page.click("#confirm-import")
    page.wait_for_url("**/inventory/systems/")
    expect(page.locator("body")).to_contain_text("新增 0 条，更新 3 条，3 条未变")
    by_code = {system.code: system for system in System.objects.filter(code__in=codes)}
    assert by_code[codes[0]].name == "甲县财政预算管理一体化系统（二期）"
    assert by_code[codes[1]].status == c.SystemStatus.SUSPENDED
    assert by_code[codes[2]].vendor == "甲县新运维服务有限公司"
    assert System.objects.count() == len(systems)
