"""The pages work under the Content-Security-Policy: a CIO opens the main page of each module — and uses what their
scripts do (tree toggles, tabs, charts and their tooltips, the blast-radius graph, select-all, form helpers) — while
the browser reports every policy violation, console error and script error; there must be none. The TOTP enrolment
page shows its QR code, and the API documentation renders for a signed-in user."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from core.testing import build_tree, make_user
from core.tests.browser.fixtures import shot
from core.tests.browser.test_walkthrough import login
from inventory import impact
from inventory.models import Link
from inventory.services import link_save
from inventory.tests.factories import new_resource, new_system

pytestmark = pytest.mark.django_db(transaction=True)

# Runs in every page before its own scripts: keeps what the browser reports about the policy.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " at " +
    e.sourceFile + ":" + e.lineNumber + " " + (e.sample || ""));
});
"""


class Watch:
    """Everything a page reports that would mean it does not work under the policy."""

    def __init__(self, page):
        self.page = page
        self.problems = []
        page.add_init_script(WATCH)
        page.on("console", self.console)
        page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))
        page.on("response", self.response)

    def console(self, message):
        # a failed load is reported with its address by response() below
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console: {message.text}")

    def response(self, response):
        # the browser asks for /favicon.ico by itself; govcio has none
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            self.problems.append(f"{response.status}: {response.url}")

    def visit(self, name, *args, query=""):
        self.page.goto(self.page.base + reverse(name, args=args) + query)
        self.page.wait_for_load_state("networkidle")

    def check(self, where: str, allow: tuple[str, ...] = ()):
        self.page.wait_for_load_state("networkidle")
        self.problems += [f"violation: {v}" for v in self.page.evaluate("window.__violations || []")]
        self.problems = [p for p in self.problems if not any(a in p for a in allow)]
        assert self.problems == [], (where, self.problems)


def hover_chart(page, selector, x=0.5, y=0.5, tooltip=True):
    """Move the mouse to (x, y) of a chart, as fractions of its box, so ECharts draws its tooltip there."""
    box = page.locator(selector).bounding_box()
    for step in (0, 3):
        page.mouse.move(box["x"] + box["width"] * x + step, box["y"] + box["height"] * y + step)
    if tooltip:
        expect(page.locator(selector + " .chart-dot").first).to_be_visible()


def estate():
    tree = build_tree()
    make_user("zhou_cio", "cio", tree.county_a, full_name="周建国")
    make_user("li_sec", "secadmin", tree.county_a, full_name="李安")
    budget = new_system(tree.dept_a, name="甲县财政预算管理一体化系统", data_class="important")
    exchange = new_system(tree.dept_a, name="甲县数据共享交换平台")
    portal = new_system(tree.sub_a, name="甲县政务服务网", network="internet", user_scope="public")
    link_save(actor=None, link=Link(from_system=exchange, to_system=budget), resources=[])
    link_save(actor=None, link=Link(from_system=budget, to_system=portal), resources=[])
    new_resource(tree.dept_a, system=budget, data_class="important", name="预算执行明细")
    impact.forget_graph()
    return tree, budget


def test_main_pages_run_under_the_policy(page):
    tree, budget = estate()
    watch = Watch(page)
    login(page, "zhou_cio")
    page.wait_for_url(page.base + "/")
    watch.check("home")

    # the unit tree: the county opens on arrival (htmx), a click opens a department and a second click folds it
    watch.visit("core:unit_tree")
    dept = page.locator(".tree a", has_text="甲县财政局").locator("xpath=..")
    expect(dept).to_be_visible()
    dept.locator(":scope > [data-tree-toggle]").click()
    expect(dept.locator(":scope > ul")).to_contain_text("甲县国库支付中心")
    dept.locator(":scope > [data-tree-toggle]").click()
    expect(dept.locator(":scope > ul")).to_be_hidden()
    watch.check("unit tree")

    # a list: select all ticks every row, and deleting asks first (dismissed: nothing happens)
    watch.visit("core:unit_list")
    page.check("[data-select-all]")
    assert all(box.is_checked() for box in page.locator("#object-table tbody input[type=checkbox]").all())
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("[data-confirm]")
    assert page.url.endswith(reverse("core:unit_list"))
    watch.check("unit list")

    watch.visit("inventory:system_list")
    watch.check("system list")

    # the system page: a tab opened by the address, another by a click that the address follows
    watch.visit("inventory:system", budget.pk, query="#links")
    expect(page.locator("#links")).to_be_visible()
    page.click('[href="#resources"]')
    expect(page.locator("#resources")).to_be_visible()
    assert page.url.endswith("#resources")
    page.click('[href="#basics"]')
    expect(page.locator("#basics progress")).to_be_visible()
    shot(page, "csp-06-system")
    watch.check("system page")

    # the overview's charts draw, and so do their tooltips; the scope picker submits on change
    watch.visit("inventory:overview")
    expect(page.locator("#chart-status canvas")).to_have_count(1)
    expect(page.locator("#chart-cost canvas")).to_have_count(1)
    hover_chart(page, "#chart-hosting")
    shot(page, "csp-01-overview")
    with page.expect_navigation():
        page.select_option("#unit-picker select", str(tree.county_a.pk))
    assert f"unit={tree.county_a.pk}" in page.url
    watch.check("overview")

    watch.visit("inventory:system_impact", budget.pk)
    expect(page.locator("#impact-graph canvas")).to_have_count(1)
    hover_chart(page, "#impact-graph", tooltip=False)
    watch.check("blast radius")

    watch.visit("security:dashboard")
    expect(page.locator("#chart-levels canvas")).to_have_count(1)
    expect(page.locator("#chart-trend canvas")).to_have_count(1)
    hover_chart(page, "#chart-levels", y=0.4)
    shot(page, "csp-02-dashboard")
    watch.check("security dashboard")

    watch.visit("security:due_list")
    watch.check("deadlines")
    watch.visit("security:fusion")
    expect(page.locator("#fusion-table progress").first).to_be_visible()
    shot(page, "csp-04-fusion")
    watch.check("fusion")
    watch.visit("security:compromise", budget.pk)
    expect(page.locator("#impact-graph canvas")).to_have_count(1)
    watch.check("compromise")

    # forms whose helpers were inline scripts
    watch.visit("security:cryptoassessment_add")
    expect(page.locator("#crypto-checklist .requirement").first).not_to_have_text("")
    watch.check("crypto assessment form")
    watch.visit("inventory:dataresource_add")
    rows = page.locator("#item-rows tr:not(.d-none)").count()
    page.click("#add-item")
    expect(page.locator("#item-rows tr:not(.d-none)")).to_have_count(rows + 1)
    watch.check("data resource form")

    # the API documentation, served from here
    watch.visit("api-swagger")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("govcio API")
    expect(page.locator(".opblock").first).to_be_visible()
    shot(page, "csp-05-swagger")
    watch.check("Swagger UI")
    watch.visit("api-redoc")
    expect(page.locator("h1", has_text="govcio API")).to_be_visible()
    # ReDoc always asks for its maker's logo from the internet; the policy refuses it (nothing leaves the site) and
    # ReDoc shows no logo.
    watch.check("ReDoc", allow=("https://cdn.redoc.ly/redoc/logo-mini.svg",))


def test_enrolment_page_runs_under_the_policy(page):
    estate()
    watch = Watch(page)
    login(page, "li_sec")
    page.wait_for_selector("#totp-secret")
    qr = page.locator(".qr svg").bounding_box()
    assert qr["width"] >= 150 and qr["height"] >= 150
    shot(page, "csp-03-enrol")
    watch.check("enrolment")
