"""The register kept in Excel: the "add and update" import of systems matched on their code — the preview lists
each changed field and counts the unchanged rows, the commit goes through the update service (scope, version, audit
per record with what changed, search, rules) and deletes nothing; the default stays "add only"."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core import rules
from core.choices import AuditAction
from core.models import AuditRecord, SearchEntry
from core.testing import build_tree, csv_bytes, make_user
from inventory import choices as c
from inventory.models import System
from inventory.schemas import system_schema
from inventory.tests.factories import new_system

URL = "inventory:system_import"


@pytest.fixture
def tree(db):
    return build_tree()


@pytest.fixture
def cio(client, tree):
    user = make_user("cio_update", "cio", tree.county_a)
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def systems(tree):
    return [new_system(tree.dept_a) for _ in range(3)]


def row_of(system: System, **changes) -> dict:
    row = {
        "name": system.name,
        "code": system.code,
        "owner_unit": system.owner_unit.code,
        "responsible_person": system.responsible_person,
        "purpose": system.purpose,
        "user_scope": system.get_user_scope_display(),
        "status": system.get_status_display(),
        "go_live_date": system.go_live_date.isoformat(),
        "last_active_date": system.last_active_date.isoformat(),
        "hosting": system.get_hosting_display(),
        "network": system.get_network_display(),
        "tech_language": system.tech_language,
        "tech_database": system.tech_database,
        "tech_database_domestic": "是" if system.tech_database_domestic else "否",
        "tech_os": system.tech_os,
        "tech_os_domestic": "是" if system.tech_os_domestic else "否",
        "tech_middleware_domestic": "否",
        "tech_language_domestic": "否",
        "tech_cpu_domestic": "否",
        "vendor": system.vendor,
        "annual_om_cost": str(system.annual_om_cost),
        "data_class": system.get_data_class_display(),
    }
    row.update(changes)
    return row


def upload(client, data: bytes, mode: str | None = None, name: str = "systems.csv"):
    handle = io.BytesIO(data)
    handle.name = name
    payload = {"file": handle}
    if mode:
        payload["mode"] = mode
    return client.post(reverse(URL), payload)


def header(name: str) -> str:
    return str(system_schema.column(name).header)


def test_the_upload_page_offers_update_with_add_only_checked(cio):
    body = cio.get(reverse(URL)).content.decode()
    assert 'id="mode-update"' in body
    assert 'value="add" checked' in body


def test_update_mode_previews_the_changes_and_counts(cio, systems):
    one, two, three = systems
    rows = [
        row_of(one, status=c.SystemStatus.SUSPENDED.label),
        row_of(two, name="改名后的系统", annual_om_cost="20"),
        row_of(three),
        {"name": "新增系统", "code": "XT-NEW-UPD", "owner_unit": "990001-CZ"},
    ]
    response = upload(cio, csv_bytes(system_schema, rows), "update")
    assert response.status_code == 200, response.context.get("result") and response.context["result"].errors
    assert response.context["counts"] == {"created": 1, "updated": 2, "unchanged": 1}
    by_status = {row["number"]: row for row in response.context["preview_rows"]}
    assert [by_status[n]["status"] for n in (2, 3, 4, 5)] == ["changed", "changed", "unchanged", "new"]
    assert by_status[2]["changes"] == {header("status"): [c.SystemStatus.RUNNING.label, c.SystemStatus.SUSPENDED.label]}
    assert by_status[3]["changes"] == {
        header("name"): [two.name, "改名后的系统"],
        header("annual_om_cost"): ["18.50", "20.00"],
    }
    # the cells as typed: the unit's code, 是/否, the choice's Chinese label
    cells = dict(zip(response.context["preview_headers"], [v for v, _c in by_status[4]["cells"]], strict=True))
    assert [
        h
        for h, (_v, changed) in zip(response.context["preview_headers"], by_status[2]["cells"], strict=True)
        if changed
    ] == [header("status")]
    assert cells[header("owner_unit")] == "990001-CZ"
    assert cells[header("status")] == c.SystemStatus.RUNNING.label
    assert cells[header("tech_os_domestic")] == "是"
    assert System.objects.get(pk=one.pk).status == c.SystemStatus.RUNNING  # nothing written yet


def test_update_commit_writes_through_the_service_and_audits_each_changed_record(cio, systems, tree):
    one, two, three = systems
    other = new_system(tree.dept_a)  # not in the file: left alone
    seen = []

    def rule(changes, *, actor):
        seen.extend((change.kind, change.obj.pk, sorted(change.values)) for change in changes)

    rules.register(System, rule)
    try:
        rows = [
            row_of(one, status=c.SystemStatus.SUSPENDED.label),
            row_of(two, name="改名后的系统", annual_om_cost="20"),
            row_of(three),
        ]
        token = upload(cio, csv_bytes(system_schema, rows), "update").context["token"]
        response = cio.post(reverse(URL), {"token": token}, follow=True)
    finally:
        rules.unregister(System, rule)
    with translation.override("zh-hans"):
        done = _("“{name}”: {created} created, {updated} updated, {unchanged} unchanged.")
        assert done.format(name="systems.csv", created=0, updated=2, unchanged=1) in response.content.decode()
    one_after, two_after, three_after = (System.objects.get(pk=s.pk) for s in systems)
    assert one_after.status == c.SystemStatus.SUSPENDED and one_after.version == one.version + 1
    assert two_after.name == "改名后的系统" and two_after.annual_om_cost == Decimal("20")
    assert three_after.version == three.version  # unchanged: not written
    assert System.objects.filter(pk=other.pk).exists()
    assert one_after.updated_by_id == cio.user.pk
    entries = AuditRecord.objects.filter(action=AuditAction.UPDATE, object_type="inventory.system", event="import")
    assert {e.object_id: e.changes for e in entries} == {
        str(one.pk): {"status": ["running", "suspended"]},
        str(two.pk): {"name": [two.name, "改名后的系统"], "annual_om_cost": ["18.50", "20.00"]},
    }
    assert sorted(seen) == sorted([("update", one.pk, ["status"]), ("update", two.pk, ["annual_om_cost", "name"])])
    assert "改名" in SearchEntry.objects.get(object_type="inventory.system", object_id=two.pk).title


def test_add_only_stays_all_or_nothing_on_existing_codes(cio, systems):
    response = upload(cio, csv_bytes(system_schema, [row_of(systems[0])]))
    assert response.status_code == 400
    assert any("已存在" in e.message or "already exists" in e.message for e in response.context["result"].errors)


def test_a_record_the_user_may_not_change_is_an_error_on_its_row(cio, tree):
    outside = new_system(tree.dept_b)
    row = row_of(outside, owner_unit="990001-CZ")
    response = upload(cio, csv_bytes(system_schema, [row]), "update")
    assert response.status_code == 400
    errors = response.context["result"].errors
    assert [(e.row, e.column) for e in errors] == [(2, header("code"))]
    assert System.objects.get(pk=outside.pk).owner_unit_id == tree.dept_b.pk


def test_a_file_without_a_column_leaves_its_field_alone(cio, systems):
    one = systems[0]
    data = f"{header('code')},{header('name')},{header('owner_unit')}\n{one.code},新名字,990001-CZ\n".encode()
    token = upload(cio, data, "update").context["token"]
    cio.post(reverse(URL), {"token": token})
    after = System.objects.get(pk=one.pk)
    assert after.name == "新名字" and after.vendor == one.vendor and after.annual_om_cost == one.annual_om_cost


def register_of(client) -> bytes:
    response = client.get(reverse("inventory:system_list") + "?export=register")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_the_register_export_has_typed_cells(cio, systems):
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(register_of(cio))).active
    headers = [cell.value for cell in sheet[1]]
    assert headers == system_schema.headers()
    row = dict(zip(headers, [cell.value for cell in sheet[2]], strict=True))
    assert row[header("go_live_date")].date().isoformat() == "2020-06-30"  # a date cell
    assert row[header("annual_om_cost")] == 18.5  # a number
    assert row[header("tech_os_domestic")] == "是"
    assert row[header("status")] == c.SystemStatus.RUNNING.label
    assert row[header("owner_unit")] == "990001-CZ"
    assert AuditRecord.objects.filter(action=AuditAction.EXPORT, changes__format="register").exists()


def test_three_rows_changed_in_excel_come_back_as_three_updates(cio, systems, tree):
    import openpyxl

    more = [new_system(tree.dept_a) for _ in range(2)]
    workbook = openpyxl.load_workbook(io.BytesIO(register_of(cio)))
    sheet = workbook.active
    headers = [cell.value for cell in sheet[1]]
    column = {name: headers.index(header(name)) + 1 for name in ("name", "status", "vendor", "code")}
    codes = [sheet.cell(row=n, column=column["code"]).value for n in range(2, sheet.max_row + 1)]
    sheet.cell(row=2, column=column["name"]).value = "第一行改名"
    sheet.cell(row=3, column=column["status"]).value = str(c.SystemStatus.RETIRED.label)
    sheet.cell(row=4, column=column["vendor"]).value = "新的运维厂商"
    # a title above the header, a 序号 column and a blank row, as registers kept by hand have
    sheet.insert_rows(1)
    sheet.cell(row=1, column=1).value = "甲县信息系统台账（2026年12月）"
    sheet.insert_cols(1)
    sheet.cell(row=2, column=1).value = "序号"
    for n in range(3, sheet.max_row + 1):
        sheet.cell(row=n, column=1).value = n - 2
    sheet.cell(row=sheet.max_row + 2, column=1).value = sheet.max_row  # a numbered blank row
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(cio, buffer.getvalue(), "update", name="台账.xlsx")
    assert response.status_code == 200, response.context["result"].errors
    assert response.context["counts"] == {"created": 0, "updated": 3, "unchanged": len(codes) - 3}
    changed = [row for row in response.context["preview_rows"] if row["status"] == "changed"]
    assert [list(row["changes"]) for row in changed] == [[header("name")], [header("status")], [header("vendor")]]
    cio.post(reverse(URL), {"token": response.context["token"]})
    by_code = {s.code: s for s in System.objects.filter(code__in=codes[:3])}
    assert by_code[codes[0]].name == "第一行改名"
    assert by_code[codes[1]].status == c.SystemStatus.RETIRED
    assert by_code[codes[2]].vendor == "新的运维厂商"
    assert System.objects.count() == len(systems) + len(more)


def test_units_by_name_or_short_name_and_ambiguity_names_the_candidates(cio, tree):
    from core.testing import make_unit

    make_unit("甲县统计局", "990001-TJ", "department", tree.county_a, short_name="统计局")
    make_unit("甲县城关镇统计站", "990001001-TJ", "department", tree.township_a, short_name="统计局")
    rows = [
        {"name": "按名称", "code": "XT-BY-NAME", "owner_unit": "甲县财政局"},
        {"name": "按简称", "code": "XT-BY-SHORT", "owner_unit": "统计局"},
        {"name": "别县", "code": "XT-OTHER", "owner_unit": tree.dept_b.name},
    ]
    response = upload(cio, csv_bytes(system_schema, rows))
    errors = {e.row: e.message for e in response.context["result"].errors}
    assert 2 not in errors  # the name of one department
    assert "甲县统计局（990001-TJ）" in errors[3] and "甲县城关镇统计站（990001001-TJ）" in errors[3]
    assert tree.dept_b.code not in errors[4]  # another county's unit: not found, nothing told about it
    rows = rows[:1]
    token = upload(cio, csv_bytes(system_schema, rows)).context["token"]
    cio.post(reverse(URL), {"token": token})
    assert System.objects.get(code="XT-BY-NAME").owner_unit_id == tree.dept_a.pk


def run_import(*args) -> str:
    from django.core.management import call_command

    out = io.StringIO()
    call_command("import", *args, stdout=out)
    return out.getvalue()


def test_the_import_command_updates_through_the_same_path(tmp_path, systems, cio):
    one, two, _three = systems
    rows = [
        row_of(one, vendor="命令行改的厂商"),
        row_of(two),
        {"name": "命令行新增", "code": "XT-CLI-01", "owner_unit": "990001-CZ"},
    ]
    path = tmp_path / "systems.csv"
    path.write_bytes(csv_bytes(system_schema, rows))
    out = run_import("systems", str(path), "--update", "--user", cio.user.username)
    assert out.strip() == "1 created, 1 updated, 1 unchanged, 0 skipped"
    assert System.objects.get(pk=one.pk).vendor == "命令行改的厂商"
    assert System.objects.filter(code="XT-CLI-01", created_by=cio.user).exists()
    entry = AuditRecord.objects.get(action=AuditAction.UPDATE, object_id=str(one.pk), event="import")
    assert entry.actor_id == cio.user.pk and entry.changes == {"vendor": [one.vendor, "命令行改的厂商"]}


def test_the_import_command_refuses_bad_input_with_every_error_and_writes_nothing(tmp_path, systems, cio):
    from django.core.management.base import CommandError

    path = tmp_path / "bad.csv"
    rows = [row_of(systems[0], status="不存在的状态"), {"name": "", "code": "XT-CLI-02", "owner_unit": "990001-CZ"}]
    path.write_bytes(csv_bytes(system_schema, rows))
    before = AuditRecord.objects.count()
    with pytest.raises(CommandError) as refused:
        run_import("systems", str(path), "--update", "--user", cio.user.username)
    message = str(refused.value)
    assert f"row 2, {header('status')}" in message and f"row 3, {header('name')}" in message
    assert AuditRecord.objects.count() == before and not System.objects.filter(code="XT-CLI-02").exists()
    with pytest.raises(CommandError, match="without-such"):
        run_import("without-such", str(path), "--user", cio.user.username)
    with pytest.raises(CommandError, match="--user"):
        run_import("systems", str(path))
    with pytest.raises(CommandError, match="update"):
        run_import("service-items", str(path), "--update", "--user", cio.user.username)


def test_the_import_command_leaves_numbered_blank_rows_out(tmp_path, cio):
    rows = [{"name": "带序号", "code": "XT-CLI-03", "owner_unit": "甲县财政局"}]
    lines = csv_bytes(system_schema, rows).decode().splitlines()
    lines = ["序号," + lines[0], "1," + lines[1], "2" + "," * lines[0].count(",") + ","]
    path = tmp_path / "numbered.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = run_import("systems", str(path), "--user", cio.user.username)
    assert out.strip() == "1 created, 0 updated, 0 unchanged, 1 skipped"
