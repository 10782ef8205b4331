import datetime as dt
import io

import pytest
from django.urls import reverse

from core.models import AuditRecord, CalendarDay, CalendarYear
from core.testing import build_tree, make_user


@pytest.fixture
def tree(db):
    return build_tree()


def test_sysadmin_keeps_the_calendar(client, tree):
    client.force_login(make_user("sys", "sysadmin", tree.county_a))
    body = client.get(reverse("core:calendarday_list") + "?year=2026").content.decode()
    assert "国庆节" in body and 'id="missing-2027"' in body
    response = client.post(
        reverse("core:calendarday_add"), {"date": "2027-01-01", "kind": "holiday", "name": "元旦", "version": ""}
    )
    assert response.status_code == 302
    assert AuditRecord.objects.filter(object_type="core.calendarday", action="create").exists()


def test_import_a_year_then_put_it_in_force(client, tree):
    client.force_login(make_user("sys", "sysadmin", tree.county_a))
    rows = "日期,类型,名称\n2027-01-01,节假日（休息）,元旦\n2027-02-06,调休上班,春节调休\n"
    upload = io.BytesIO(rows.encode("utf-8"))
    upload.name = "2027.csv"
    response = client.post(reverse("core:calendarday_import"), {"file": upload})
    assert response.status_code == 200, response.context.get("result") and response.context["result"].errors
    client.post(reverse("core:calendarday_import"), {"token": response.context["token"]})
    assert CalendarDay.objects.get(date=dt.date(2027, 2, 6)).kind == "workday"
    assert client.post(reverse("core:calendaryear_load"), {"year": "2027", "source": "国办发明电"}).status_code == 302
    assert CalendarYear.objects.filter(year=2027).exists()


def test_a_year_without_days_cannot_be_put_in_force(client, tree):
    client.force_login(make_user("sys", "sysadmin", tree.county_a))
    client.post(reverse("core:calendaryear_load"), {"year": "2031"})
    assert not CalendarYear.objects.filter(year=2031).exists()


@pytest.mark.parametrize("role", ["cio", "liaison", "leader"])
def test_others_read_but_do_not_change(client, tree, role):
    client.force_login(make_user("u", role, tree.county_a))
    assert client.get(reverse("core:calendarday_list")).status_code == 200
    assert client.get(reverse("core:calendarday_add")).status_code == 404
    day = CalendarDay.objects.get(date=dt.date(2026, 10, 1))
    assert client.post(reverse("core:calendarday_delete", args=[day.pk])).status_code == 404


@pytest.mark.parametrize("role", ["secadmin", "auditadmin", "staff"])
def test_roles_without_the_calendar_get_404(client, tree, role):
    client.force_login(make_user("u", role, tree.county_a))
    assert client.get(reverse("core:calendarday_list")).status_code == 404
