"""The CIO's walk through the foundation, and an administrator's login with the second factor."""

import pyotp
import pytest

from accounts.models import User
from core.models import Unit
from core.testing import PASSWORD, build_tree, make_user

from .fixtures import ARTIFACTS, shot

pytestmark = pytest.mark.django_db(transaction=True)


def login(page, username, password=PASSWORD):
    page.goto(page.base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#login")


def write(name: str, text: str, encoding="utf-8") -> str:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_cio_walkthrough(page):
    tree = build_tree()
    make_user("zhou_cio", "cio", tree.county_a, full_name="周建国")

    login(page, "zhou_cio")
    page.wait_for_url(page.base + "/")
    assert "周建国" in page.content()
    shot(page, "01-home")

    # browse the tree: the county opens on arrival; open the finance bureau
    page.click("text=组织机构树")
    page.click("text=甲县财政局")
    assert page.locator("#unit-code").inner_text() == "990001-CZ"
    shot(page, "02-unit")

    # create a unit under the county
    page.goto(page.base + f"/org/units/add/?parent={tree.county_a.pk}")
    page.select_option("#id_kind", "department")
    page.fill("#id_name", "甲县数据资源局")
    page.fill("#id_code", "990001-SJ")
    page.click("#save")
    page.wait_for_selector("#unit-code")
    assert Unit.objects.filter(code="990001-SJ", parent=tree.county_a).exists()

    # import with one bad row: every problem listed, nothing saved
    header = "类型,名称,简称,代码,统一社会信用代码,上级代码\n"
    rows = "部门,甲县統計局,统计局,990001-TJ,,990001\n部门,甲县审计局,,{code},,990001\n"
    bad = write("units-bad.csv", header + rows.format(code="990001-SJ"), "gb18030")
    page.goto(page.base + "/org/units/import/")
    page.set_input_files("#import-file", bad)
    page.click("#check-file")
    errors = page.locator("#import-errors")
    assert "第 3 行" in errors.inner_text() or "3" in errors.inner_text()
    shot(page, "03-import-errors")
    assert not Unit.objects.filter(code="990001-TJ").exists()

    # fix it and import
    good = write("units-good.csv", header + rows.format(code="990001-AU"), "gb18030")
    page.set_input_files("#import-file", good)
    page.click("#check-file")
    page.wait_for_selector("#import-preview")
    page.click("#confirm-import")
    page.wait_for_url("**/org/units/")
    assert Unit.objects.filter(code__in=["990001-TJ", "990001-AU"]).count() == 2

    # search in traditional characters finds the simplified (and traditional) name
    page.fill("#global-search", "審計局")
    page.press("#global-search", "Enter")
    page.wait_for_selector(".search-group")
    assert "甲县审计局" in page.content()
    page.fill("#global-search", "统计")
    page.press("#global-search", "Enter")
    page.wait_for_selector(".search-group")
    assert "乙县" not in page.locator(".search-group").first.inner_text()
    shot(page, "04-search")

    # export what the list shows
    page.goto(page.base + "/org/units/?q=甲县")
    page.click("#export-menu")
    with page.expect_download() as download:
        page.click("#export-csv")
    with open(download.value.path(), encoding="utf-8-sig") as handle:
        content = handle.read()
    assert "甲县审计局" in content and "乙县" not in content

    # log out
    page.click("#user-menu")
    page.click("#logout")
    page.wait_for_url("**/accounts/login/")
    page.goto(page.base + "/org/units/")
    assert "/accounts/login/" in page.url


def test_admin_second_factor(page):
    tree = build_tree()
    make_user("li_sec", "secadmin", tree.county_a, full_name="李安")
    login(page, "li_sec")
    page.wait_for_selector("#totp-secret")
    shot(page, "05-enrol")
    secret = page.locator("#totp-secret").inner_text()
    page.fill("#id_code", pyotp.TOTP(secret).now())
    page.click("#confirm-totp")
    page.wait_for_selector("#recovery-codes li")  # the answer to the POST, not the page that sent it
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    page.click("#continue")
    page.wait_for_url(page.base + "/")
    assert User.objects.get(username="li_sec").totp_confirmed

    # log out and in again: the code is asked for
    page.click("#user-menu")
    page.click("#logout")
    login(page, "li_sec")
    page.wait_for_selector("#verify")
    page.fill("#id_code", "123456" if pyotp.TOTP(secret).now() != "123456" else "654321")
    page.click("#verify")
    assert page.locator(".invalid-feedback").count() == 1
    page.fill("#id_code", pyotp.TOTP(secret).now())
    page.click("#verify")
    page.wait_for_url(page.base + "/")
    assert "李安" in page.content()

    # a new phone: the profile asks for a current code first, then a code of the new secret
    page.goto(page.base + "/accounts/me/")
    page.click("#reenrol")
    page.wait_for_selector("#prove-totp")
    assert page.locator("#totp-secret").count() == 0  # nothing new is shown (or changed) before the proof
    page.fill("#id_code", codes[0])
    page.click("#prove-totp")
    page.wait_for_selector("#totp-secret")
    new_secret = page.locator("#totp-secret").inner_text()
    assert new_secret != secret and User.objects.get(username="li_sec").totp_secret == secret
    page.fill("#id_code", pyotp.TOTP(new_secret).now())
    page.click("#confirm-totp")
    page.wait_for_selector("#recovery-codes li")
    assert page.locator("#recovery-codes li").count() == 10
    assert User.objects.get(username="li_sec").totp_secret == new_secret

    # an API token from the profile, shown once
    page.goto(page.base + "/accounts/me/")
    page.fill("#id_name", "台账同步脚本")
    page.click("#token-add")
    token = page.locator("#new-token").inner_text().strip()
    assert len(token) == 64
    shot(page, "06-token-created")
    page.goto(page.base + "/accounts/me/")
    assert "台账同步脚本" in page.content() and token not in page.content()
    shot(page, "07-profile-tokens")
