"""Issue 4's walk in headless Chromium, in the Chinese UI. The finance bureau's liaison grades the budget system to
level 3, an expert agrees, the CIO closes the review, approves and files it and sees the next assessment due; the
liaison imports a scanner's findings and rectifies one, may not verify her own work, and the CIO verifies it. The
fusion ranking is read before the import, after it and after the verification.

Who does what follows core/data/roles.yaml: the liaison adds, changes and submits gradings, imports and rectifies
findings; the expert reviews; the CIO closes the review, approves, files and verifies (DOMAIN.md §3)."""

import datetime as dt
import io

import docx
import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import expect

from core.testing import build_tree, make_user
from core.tests.browser.fixtures import ARTIFACTS, shot
from core.tests.browser.test_walkthrough import login, write
from core.workdays import add_months
from inventory import impact
from inventory.models import Link
from inventory.services import link_save
from inventory.tests.factories import new_resource, new_system
from security.choices import FindingStatus, GradingState, Severity
from security.models import Finding, Grading, ScannerMapping
from security.tests import scanner_files

pytestmark = pytest.mark.django_db(transaction=True)

BUDGET = "甲县财政预算管理一体化系统"
MAPPING = "绿盟RSAS漏洞扫描导出"
LOG4J = "Apache Log4j2 远程代码执行漏洞"
SCAN = [  # 漏洞名称, 风险等级, 主机, 端口, CVE编号, 描述
    (LOG4J, "高危", "10.12.3.21", "8080", "CVE-2021-44228", "JNDI 注入可导致远程执行任意代码"),
    ("OpenSSH 代理转发远程代码执行漏洞", "高危", "10.12.3.22", "22", "CVE-2023-38408", "ssh-agent 加载不可信库"),
    ("Nginx 目录遍历信息泄露", "中危", "10.12.3.21", "443", "", "配置不当可读取站点目录外文件"),
    ("SSL/TLS 支持弱加密套件", "低危", "10.12.3.21", "443", "", "服务端仍接受 3DES 加密套件"),
]


# Helpers -------------------------------------------------------------------------------------------------------


def shown(choice) -> str:
    """A choice's label as the Chinese UI shows it (the English msgid until the translation lands)."""
    with translation.override("zh-hans"):
        return str(choice.label)


def go(page, name: str, *args, query: str = "") -> None:
    page.goto(page.base + reverse(name, args=args) + query)


def act_as(page, username: str) -> None:
    """Log out (forget the session cookie) and log in as someone else."""
    page.context.clear_cookies()
    login(page, username)
    page.wait_for_url(page.base + "/")


def press(page, selector: str) -> None:
    """Click a button that posts a form; the page that follows shows no error."""
    with page.expect_navigation():
        page.click(selector)
    errors = page.locator(".alert-danger").all_inner_texts()
    assert not errors, errors


def fusion(page, system) -> tuple[int, float]:
    """The system's rank and score in the fusion ranking."""
    go(page, "security:fusion")
    row = page.locator(f"#fusion-{system.pk}")
    return int(row.locator("td").first.inner_text()), float(row.locator(".fusion-score").inner_text())


def scan_csv() -> str:
    """The scanner's export as 绿盟 writes it: GBK, Chinese headers, a date and time per row."""
    found = f"{timezone.localdate():%Y-%m-%d} 09:30:15"
    lines = ["漏洞名称,风险等级,主机,端口,CVE编号,发现时间,描述"]
    lines += [",".join([title, level, host, port, cve, found, text]) for title, level, host, port, cve, text in SCAN]
    return write("rsas-scan.csv", "\r\n".join(lines) + "\r\n", "gbk")


def import_openvas(page, budget) -> None:
    """An OpenVAS report is recognised: no mapping step, the plan counted at once; the same report again has
    nothing to import."""
    report = write("gvm-report.csv", scanner_files.gvm_csv().read().decode("utf-8"))
    for time in ("first", "again"):
        go(page, "security:finding_scan", query=f"?system={budget.pk}")
        page.locator("#scan-upload #id_file").set_input_files(report)
        press(page, "#read-columns")
        expect(page.locator("#scan-format")).to_contain_text("OpenVAS")
        expect(page.locator("#column_title, #id_column_title")).to_have_count(0)
        if time == "first":
            expect(page.locator("#count-created")).to_have_text("5")
            expect(page.locator("#count-skipped")).to_have_text("2")
            shot(page, "security-walk-10-openvas-checked")
            press(page, "#import-scan")
            page.wait_for_url("**/security/findings/?system=*")
    expect(page.locator("#count-unchanged")).to_have_text("5")
    expect(page.locator("#import-scan")).to_have_count(0)
    assert Finding.objects.filter(system=budget, scanner="openvas").count() == 5


def evidence_pdf() -> str:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "log4j-retest.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    return str(path)


def set_up():
    """甲县: the budget system holds important data and is reached from the exchange platform; the public portal
    (internet, public users) outranks it until its findings arrive."""
    tree = build_tree()
    make_user("zhou_cio", "cio", tree.county_a, full_name="周建国")
    make_user("li_na", "liaison", tree.dept_a, full_name="李娜")
    make_user("chen_expert", "expert", tree.county_a, full_name="陈教授")
    budget = new_system(tree.dept_a, name=BUDGET, data_class="important")
    exchange = new_system(tree.dept_a, name="甲县数据共享交换平台")
    portal = new_system(tree.dept_a, name="甲县政务服务网", network="internet", user_scope="public")
    link_save(actor=None, link=Link(from_system=exchange, to_system=budget), resources=[])
    new_resource(tree.dept_a, system=budget, data_class="important", name="预算执行明细")
    impact.forget_graph()
    return budget, exchange, portal


# Steps ----------------------------------------------------------------------------------------------------------


def grade(page, budget) -> Grading:
    """The liaison grades: society × serious (level 3), citizens × serious (level 2) → level 3; then submits."""
    go(page, "security:grading_add", query=f"?system={budget.pk}")
    expect(page.locator("#id_system")).to_have_value(str(budget.pk))
    page.select_option("#id_business_object", "society")
    page.select_option("#id_business_degree", "serious")
    page.select_option("#id_service_object", "citizen")
    page.select_option("#id_service_degree", "serious")
    expect(page.locator("#grading-preview #preview-level")).to_have_text("3")
    expect(page.locator("#preview-business")).to_have_text("3")
    expect(page.locator("#preview-service")).to_have_text("2")
    page.fill("#id_rationale", "系统承载全县预算编制、执行和决算业务，数据泄露或篡改将严重损害社会秩序和公共利益。")
    # Leaving the field refreshes the preview; let that request finish before saving (one request at a time keeps
    # the live server's in-memory SQLite free of lock contention).
    page.press("#id_rationale", "Tab")
    page.wait_for_load_state("networkidle")
    shot(page, "security-walk-01-grading-form")
    press(page, "#save")
    expect(page.locator("#grading-level")).to_contain_text("3")
    press(page, "#submit-grading")
    expect(page.locator("#grading-state")).to_have_text(shown(GradingState.EXPERT_REVIEW))
    # No opinion yet: the review cannot be closed, the page says it waits for the experts.
    expect(page.locator("#waiting-opinions")).to_be_visible()
    expect(page.locator("#close-review")).to_have_count(0)
    return Grading.objects.get(system=budget)


def review(page, grading: Grading) -> None:
    page.goto(page.base + grading.get_absolute_url())
    form = page.locator("#opinion-form")
    expect(page.locator("#workflow")).to_have_count(0)  # the expert's one step is the form: no empty "Next step"
    expect(form.locator("#opinion_expert_name")).to_have_value("陈教授")
    form.locator("#opinion_expert_title").fill("正高级工程师")
    form.locator("#opinion_conclusion").select_option("agree")
    form.locator("#opinion_suggested_level").select_option("3")
    form.locator("#opinion_opinion").fill("定级对象边界清晰，侵害客体和侵害程度判断合理，同意定为第三级。")
    press(page, "#add-opinion")
    expect(page.locator("#opinions tbody")).to_contain_text("陈教授")
    # Given: no empty form again, but the day it was given.
    expect(page.locator("#opinion-form")).to_have_count(0)
    expect(page.locator("#own-opinion")).to_contain_text(f"{timezone.localdate():%Y-%m-%d}")
    shot(page, "security-walk-02-expert-opinion")


def approve_and_file(page, grading: Grading, today: dt.date) -> None:
    """Approved and filed today: no date may precede the grading, which was submitted today."""
    page.goto(page.base + grading.get_absolute_url())
    press(page, "#close-review")
    expect(page.locator("#grading-state")).to_have_text(shown(GradingState.APPROVAL))
    approve = page.locator("#approve-form")
    approve.locator("#approve_approved_by_name").fill("甲县委网信办")
    # The date picker offers no day before the grading (the service refuses one too: test_grading_workflow) …
    approved_on = approve.locator("#approve_approved_on")
    approved_on.fill(f"{today - dt.timedelta(days=5):%Y-%m-%d}")
    assert approved_on.evaluate("input => input.validity.rangeUnderflow")
    shot(page, "security-walk-02b-approval")
    # … the approval of today is recorded.
    approved_on.fill(f"{today:%Y-%m-%d}")
    press(page, "#approve")
    filing = page.locator("#file-form")
    filing.locator("#file_filing_number").fill("99000113001-25001")
    filing.locator("#file_certificate_date").fill(f"{today:%Y-%m-%d}")
    filing.locator("#file_filed_on").fill(f"{today:%Y-%m-%d}")
    press(page, "#file")


def import_scan(page, budget) -> None:
    go(page, "security:finding_list")
    page.click("#scan-link")
    upload = page.locator("#scan-upload")
    upload.locator("#id_file").set_input_files(scan_csv())
    upload.locator(".autocomplete .ac-input").fill("预算管理")
    upload.locator(".ac-results button").first.click()
    expect(upload.locator("#id_system")).to_have_value(str(budget.pk))
    shot(page, "security-walk-04-scan-upload")
    page.click("#read-columns")
    mapping = page.locator("#scan-mapping")
    guessed = {"title": "漏洞名称", "severity": "风险等级", "asset": "主机", "port": "端口", "found_on": "发现时间"}
    for name, header in guessed.items():
        expect(mapping.locator(f"#id_column_{name}")).to_have_value(header)
    mapping.locator("#id_column_reference").select_option("CVE编号")
    mapping.locator("#id_column_description").select_option("描述")
    mapping.locator("#id_save_as").fill(MAPPING)
    page.click("#check-scan")
    expect(page.locator("#scan-preview")).to_contain_text(LOG4J)
    expect(page.locator("#scan-counts")).to_have_count(0)  # no duplicates, no informational rows: nothing said
    expect(page.locator("#scan-owner")).to_be_visible()  # the importer owns them, as no one else is chosen
    shot(page, "security-walk-05-scan-checked")
    page.click("#import-scan")
    page.wait_for_url("**/security/findings/?system=*")
    table = page.locator("#object-table")
    for title, *_rest in SCAN:
        expect(table.locator("tbody tr", has_text=title)).to_contain_text("李娜")
    shot(page, "security-walk-06-findings")


def rectify(page, finding: Finding) -> None:
    page.goto(page.base + finding.get_absolute_url())
    form = page.locator("#rectify-form")
    form.locator("#rectify_rectification").fill("已将 Log4j2 升级至 2.17.1 并重启服务，复测未再发现该漏洞。")
    form.locator("#rectify_evidence").set_input_files(evidence_pdf())
    press(page, "#rectify")
    expect(page.locator("#finding-status")).to_have_text(shown(FindingStatus.FIXED))
    expect(page.locator("#evidence")).to_contain_text("log4j-retest.pdf")
    # the liaison may verify findings, but not her own rectification
    expect(page.locator("#fixer-notice")).to_be_visible()
    expect(page.locator("#verify")).to_have_count(0)
    shot(page, "security-walk-07-rectified")


def verify(page, finding: Finding) -> None:
    page.goto(page.base + finding.get_absolute_url())
    expect(page.locator("#fixer-notice")).to_have_count(0)
    page.locator("#verify-form #verify_note").fill("已登录主机核查组件版本并复扫，确认整改有效。")
    press(page, "#verify")
    expect(page.locator("#finding-status")).to_have_text(shown(FindingStatus.VERIFIED))
    expect(page.locator("#verified-by")).to_contain_text("周建国")
    shot(page, "security-walk-08-verified")


# The walk ------------------------------------------------------------------------------------------------------


def test_security_walkthrough(page):
    budget, exchange, portal = set_up()
    today = timezone.localdate()

    act_as(page, "li_na")
    grading = grade(page, budget)
    shot(page, "security-walk-02a-submitted")

    act_as(page, "chen_expert")
    review(page, grading)

    act_as(page, "zhou_cio")
    approve_and_file(page, grading, today)
    expect(page.locator("#grading-state")).to_have_text(shown(GradingState.FILED))
    expect(page.locator("#filing-number")).to_have_text("99000113001-25001")
    due = add_months(today, 12)
    expect(page.locator("#assessment-due")).to_have_text(f"{due:%Y-%m-%d}")
    shot(page, "security-walk-03-filed")

    with page.expect_download() as download:
        page.click("#report")
    document = docx.Document(io.BytesIO(download.value.path().read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs) + "".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert BUDGET in text and "第三级" in text

    # A year away: not among what is due soon, found with the one-year horizon.
    go(page, "security:due_list", query="?kind=assessment")
    expect(page.locator("#due-table tbody tr", has_text=BUDGET)).to_have_count(0)
    page.select_option("#id_within", "365")
    with page.expect_navigation():
        page.click("#due-filter")
    row = page.locator("#due-table tbody tr", has_text=BUDGET)
    expect(row).to_contain_text(f"{due:%Y-%m-%d}")
    shot(page, "security-walk-03b-due")

    # fusion before the scan: the internet-facing portal leads, the budget system follows
    rank, before = fusion(page, budget)
    assert (rank, fusion(page, portal)[0]) == (2, 1)
    shot(page, "security-walk-09a-fusion-before")

    act_as(page, "li_na")
    import_scan(page, budget)
    assert ScannerMapping.objects.filter(name=MAPPING).exists()
    assert Finding.objects.filter(system=budget, source="scanner").count() == len(SCAN)
    rank, after_import = fusion(page, budget)
    assert rank == 1 and after_import == before + 2 * 5 + 2 + 0.5  # weights: high 5, medium 2, low 0.5
    reasons = page.locator(f"#fusion-{budget.pk} .fusion-reason[data-code=findings]")
    expect(reasons).to_contain_text(shown(Severity.HIGH))
    shot(page, "security-walk-09b-fusion-after-import")

    log4j = Finding.objects.get(system=budget, title=LOG4J)
    rectify(page, log4j)

    act_as(page, "zhou_cio")
    verify(page, log4j)
    rank, after_verify = fusion(page, budget)
    assert (rank, after_verify) == (2, after_import - 5)
    shot(page, "security-walk-09c-fusion-after-verify")
    # the exchange platform reaches the budget system: its downstream is one of its reasons
    expect(page.locator(f"#fusion-{exchange.pk} .fusion-reason[data-code=downstream]")).to_have_count(1)

    act_as(page, "li_na")
    import_openvas(page, budget)
