"""Bad files through the import page: each gives a clear message in Chinese and leaves the database unchanged."""

import io
import zipfile

import pytest
from django.test import override_settings
from django.urls import reverse

from core.models import AuditRecord, Unit
from core.testing import build_tree, make_user
from core.tests.io.conftest import rezip, xlsx_bytes

HEADER = ["类型", "名称", "简称", "代码", "统一社会信用代码", "上级代码"]
GOOD_ROW = ["部门", "甲县统计局", "统计局", "990001-TJ", "", "990001"]


def zip_bomb() -> bytes:
    return rezip(xlsx_bytes([HEADER, GOOD_ROW]), add={"xl/media/bomb.bin": b"\0" * (60 * 1024 * 1024)})


def entity_bomb() -> bytes:
    lol = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    return rezip(xlsx_bytes([HEADER, GOOD_ROW]), replace={"xl/sharedStrings.xml": lol + b"<sst>&lol2;</sst>"})


def not_a_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return buffer.getvalue()


BAD_FILES = {
    "malformed.xlsx": (b"PK\x03\x04 this is not really a zip file", "损坏"),
    "old.xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ".xlsx"),
    "bomb.xlsx": (zip_bomb(), None),
    "entities.xlsx": (entity_bomb(), None),
    "archive.xlsx": (not_a_workbook(), None),
    "binary.csv": (bytes(range(256)) * 40, None),
    "formula.csv": (
        ("\n".join([",".join(HEADER), '部门,=HYPERLINK("http://x"),,990001-X1,,990001']) + "\n").encode("utf-8"),
        None,
    ),
}


@pytest.fixture
def cio_client(client, db):
    tree = build_tree()
    client.force_login(make_user("cio", "cio", tree.county_a))
    return client


def upload(client, name, data):
    handle = io.BytesIO(data)
    handle.name = name
    return client.post(reverse("core:unit_import"), {"file": handle})


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_is_refused_and_nothing_changes(cio_client, name):
    data, expected = BAD_FILES[name]
    units, records = Unit.objects.count(), AuditRecord.objects.count()
    response = upload(cio_client, name, data)
    body = response.content.decode()
    if name == "formula.csv":
        # a formula is only text to us: the file is valid and nothing runs; the export neutralises it later
        assert response.status_code == 200 and "token" in response.context
    else:
        assert response.status_code == 400
        assert 'id="file-error"' in body or 'id="import-errors"' in body
        assert "Traceback" not in body
        if expected:
            assert expected in body
    assert Unit.objects.count() == units
    assert AuditRecord.objects.count() == records


@override_settings(GOVCIO_IMPORT_MAX_BYTES=1024)
def test_oversized_file(cio_client):
    # Stopped while it uploads (core.uploads, 413), before the page's own check of the size.
    units = Unit.objects.count()
    response = upload(cio_client, "big.csv", b"a,b\n" * 1000)
    assert response.status_code == 413
    assert "big.csv" in response.content.decode() and "MB" in response.content.decode()
    assert Unit.objects.count() == units


def test_gbk_csv_imports(cio_client):
    text = ",".join(HEADER) + "\n" + ",".join(GOOD_ROW) + "\n"
    response = upload(cio_client, "gbk.csv", text.encode("gbk"))
    assert response.status_code == 200
    response = cio_client.post(reverse("core:unit_import"), {"token": response.context["token"]})
    assert response.status_code == 302
    assert Unit.objects.get(code="990001-TJ").name == "甲县统计局"


def test_every_bad_row_listed_and_nothing_saved(cio_client):
    rows = [
        HEADER,
        GOOD_ROW,
        ["部门", "", "", "990001-T2", "", "990001"],
        ["星球", "火星", "", "990001-T3", "", "990001"],
        ["部门", "甲县统计局二", "", "990001-TJ", "123", "999999"],
    ]
    response = upload(cio_client, "rows.xlsx", xlsx_bytes(rows))
    assert response.status_code == 400
    errors = {(e.row, e.column) for e in response.context["result"].errors}
    assert {(3, "名称"), (4, "类型"), (5, "代码"), (5, "统一社会信用代码")} <= errors
    assert not Unit.objects.filter(code__startswith="990001-T").exists()


def test_import_cannot_reach_outside_scope(cio_client):
    rows = [HEADER, ["部门", "乙县统计局", "", "990002-TJ", "", "990002"]]
    response = upload(cio_client, "outside.xlsx", xlsx_bytes(rows))
    assert response.status_code == 400
    assert not Unit.objects.filter(code="990002-TJ").exists()


def test_import_is_audited_in_one_batch(cio_client):
    text = ",".join(HEADER) + "\n" + ",".join(GOOD_ROW) + "\n"
    response = upload(cio_client, "ok.csv", text.encode())
    cio_client.post(reverse("core:unit_import"), {"token": response.context["token"]})
    assert AuditRecord.objects.filter(action="import", object_type="core.unit").exists()
    assert AuditRecord.objects.filter(action="create", event="import", object_repr="甲县统计局").exists()


def test_export_neutralises_formulas(cio_client):
    text = ",".join(HEADER) + "\n" + "部门,=1+2,,990001-F1,,990001\n"
    response = upload(cio_client, "f.csv", text.encode())
    cio_client.post(reverse("core:unit_import"), {"token": response.context["token"]})
    body = b"".join(cio_client.get(reverse("core:unit_list") + "?export=csv").streaming_content).decode("utf-8-sig")
    assert "'=1+2" in body


def test_the_probes_csv_of_200000_columns_is_refused_quickly_and_nothing_changes(cio_client):
    from core.testing import measure, staged_uploads

    data = (",".join(f"c{i}" for i in range(200_000)) + "\n" + ",".join(GOOD_ROW) + "\n").encode()
    before = (Unit.objects.count(), AuditRecord.objects.count(), staged_uploads())
    handle = io.BytesIO(data)
    handle.name = "wide.csv"
    with measure() as cost:
        response = cio_client.post(reverse("core:unit_import"), {"file": handle}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Row 1 has 200000 columns; at most 500 are allowed" in response.context["file_error"]
    assert (Unit.objects.count(), AuditRecord.objects.count(), staged_uploads()) == before
    assert cost.seconds < 5 and cost.peak_mb < 300
