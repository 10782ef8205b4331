import pytest

from accounts.models import User
from core import gate
from core.models import AuditRecord, Unit
from core.testing import build_tree, grant, make_user


@pytest.fixture
def tree(db):
    return build_tree()


def test_no_roles_sees_nothing(tree):
    user = make_user("n", None, tree.county_a)
    assert Unit.objects.restrict(user, "view").count() == 0


def test_subtree_assignment(tree):
    user = make_user("c", "cio", tree.county_a)
    names = set(Unit.objects.restrict(user, "view").values_list("name", flat=True))
    assert names == {"甲县", "甲县财政局", "甲县国库支付中心", "甲县城关镇"}


def test_unit_only_assignment(tree):
    user = make_user("l", "liaison", tree.dept_a, subtree=False)
    assert list(Unit.objects.restrict(user, "view").values_list("name", flat=True)) == ["甲县财政局"]


def test_several_assignments_combine(tree):
    user = make_user("m", "liaison", tree.dept_a, subtree=False)
    grant(user, "liaison", tree.dept_b, subtree=False)
    assert set(Unit.objects.restrict(user, "view").values_list("name", flat=True)) == {"甲县财政局", "乙县财政局"}


def test_grants_compiled_once_per_request(tree, django_assert_num_queries):
    user = User.objects.get(pk=make_user("q", "cio", tree.county_a).pk)
    with django_assert_num_queries(1):
        gate.grants(user)
        gate.grants(user)
        gate.scope_q(user, Unit, "view")


def test_can_matches_restrict(tree):
    user = make_user("k", "cio", tree.county_a)
    for unit in Unit.objects.all():
        assert gate.can(user, "view", unit) == Unit.objects.restrict(user, "view").filter(pk=unit.pk).exists()


def test_inactive_user_has_no_scope(tree):
    user = make_user("i", "cio", tree.county_a)
    user.is_active = False
    assert Unit.objects.restrict(user, "view").count() == 0


def test_cio_sees_only_business_audit(tree):
    from core import audit
    from core.choices import AuditCategory

    cio = make_user("cio1", "cio", tree.county_a)
    auditor = make_user("aud1", "auditadmin", tree.county_a)
    audit.append(audit.Entry(action="event", category=AuditCategory.SECURITY, unit_path=tree.dept_a.path))
    audit.append(audit.Entry(action="event", category=AuditCategory.BUSINESS, unit_path=tree.dept_a.path))
    audit.append(audit.Entry(action="event", category=AuditCategory.BUSINESS, unit_path=tree.dept_b.path))
    assert AuditRecord.objects.restrict(cio).filter(action="event").count() == 1
    assert AuditRecord.objects.restrict(auditor).filter(action="event").count() == 2


def test_unit_switcher_narrows_never_widens(tree, client):
    from django.urls import reverse

    user = make_user("sw", "liaison", tree.dept_a, subtree=False)
    grant(user, "cio", tree.county_b)
    client.force_login(user)

    def table():
        return client.get(reverse("core:unit_list")).content.decode().split('id="object-table"')[1]

    assert "乙县财政局" in table() and "甲县财政局" in table()
    client.post(reverse("core:set_focus"), {"unit": tree.county_b.pk})
    assert "乙县财政局" in table() and "甲县财政局" not in table()
    # a unit where the user holds no role cannot be chosen
    assert client.post(reverse("core:set_focus"), {"unit": tree.county_a.pk}).status_code == 404
    client.post(reverse("core:set_focus"), {"unit": ""})
    assert "甲县财政局" in table()


def test_narrow():
    grants = {"core.unit": {"view": [("0001", True), ("0002", False)]}}
    assert gate.narrow(grants, "00010003") == {"core.unit": {"view": [("00010003", True)]}}
    assert gate.narrow(grants, "0002") == {"core.unit": {"view": [("0002", False)]}}
    assert gate.narrow(grants, "0003") == {}


def test_large_selects_render_only_the_selection(tree, client):
    """A foreign-key select renders the chosen option only; others come from the gated autocomplete."""
    from django.urls import reverse

    user = make_user("ac", "cio", tree.county_a)
    client.force_login(user)
    body = client.get(reverse("core:unit_add") + f"?parent={tree.dept_a.pk}").content.decode()
    form_part = body.split('name="parent"')[1].split("</select>")[0]
    assert "甲县财政局" in form_part and "甲县城关镇" not in form_part
    assert 'class="autocomplete' in body
    results = client.get(reverse("core:autocomplete", args=["core", "unit"]), {"q": "城关"}).json()["results"]
    assert [r["text"] for r in results] == ["甲县城关镇"]
