"""A CIO in headless Chromium: the security dashboard draws its charts, the fusion ranking changes when a critical
finding is raised against a system, "if compromised" draws its graph, and a click on the risk heat map filters the
register."""

import datetime as dt

import pytest
from django.utils import timezone

from core.services import object_create
from core.testing import build_tree, make_user
from core.tests.browser.fixtures import shot
from core.tests.browser.test_walkthrough import login
from inventory import impact
from inventory.models import Link
from inventory.services import link_save
from inventory.tests.factories import new_resource, new_system
from security.models import Finding, Risk

pytestmark = pytest.mark.django_db(transaction=True)


def ranked_names(page) -> list[str]:
    return page.locator("#fusion-table tbody tr td:nth-child(2) a").all_inner_texts()


def test_fusion_walkthrough(page):
    tree = build_tree()
    make_user("zhou_cio", "cio", tree.county_a, full_name="周建国")
    portal = new_system(
        tree.dept_a, name="甲县政务服务网", network="internet", user_scope="public", data_class="important"
    )
    ledger = new_system(tree.sub_a, name="甲县国库集中支付系统")
    exchange = new_system(tree.dept_a, name="甲县数据共享交换平台")
    link_save(actor=None, link=Link(from_system=exchange, to_system=ledger), resources=[])
    new_resource(tree.sub_a, system=ledger, data_class="core", name="国库支付明细")
    for likelihood, impact_ in ((5, 5), (3, 4), (3, 4)):
        Risk.objects.create(unit=tree.dept_a, title=f"风险{likelihood}{impact_}", likelihood=likelihood, impact=impact_)
    impact.forget_graph()

    login(page, "zhou_cio")
    page.goto(page.base + "/security/dashboard/")
    page.wait_for_selector("#chart-levels canvas")
    page.wait_for_selector("#chart-trend canvas")
    shot(page, "security-dashboard")

    page.goto(page.base + "/security/fusion/")
    assert ranked_names(page)[0] == portal.name
    finding = Finding(
        system=ledger,
        source="scanner",
        title="Apache Struts2 远程代码执行漏洞",
        severity="critical",
        found_on=timezone.localdate() - dt.timedelta(days=30),
        deadline=timezone.localdate() - dt.timedelta(days=1),
    )
    object_create(obj=finding, actor=None)  # as the pages do: audited, so the remembered ranking is weighed again
    page.reload()
    assert ranked_names(page)[0] == ledger.name
    row = page.locator(f"#fusion-{ledger.pk}")
    assert row.locator(".fusion-reason[data-code=overdue]").count() == 1
    shot(page, "security-fusion")

    page.goto(page.base + f"/security/systems/{exchange.pk}/compromise/")
    page.wait_for_selector("#impact-graph canvas")
    assert page.locator("#class-core .class-total").inner_text() == "1"
    shot(page, "security-compromise")

    page.goto(page.base + "/security/risks/")
    page.click("#cell-3-4")
    page.wait_for_url("**likelihood=3**")
    assert page.locator("#object-table tbody tr").count() == 2
    assert page.locator("#cell-5-5").inner_text().strip() == "1"
