"""Request bodies are bounded before they reach the disk: a body whose Content-Length is past the route's maximum is
refused unread, and a file past it stops the upload at that point (Django would otherwise write the whole body to a
temporary file before any view could look at its size). Either way the answer is a page (or, for the API, JSON) with
a message naming the limit: no 500, no RequestDataTooBig. Import pages take GOVCIO_IMPORT_MAX_BYTES, every other
route GOVCIO_UPLOAD_MAX_BYTES per file."""

import io
import json

import pytest
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import AuditRecord, Unit
from core.testing import build_tree, make_user, staged_uploads

HEADER = "类型,名称,简称,代码,统一社会信用代码,上级代码\n"
ROW = "部门,甲县统计局,统计局,990001-TJ,,990001\n"


@pytest.fixture
def cio(db):
    tree = build_tree()
    return make_user("cio", "cio", tree.county_a)


@pytest.fixture
def cio_client(client, cio):
    client.force_login(cio)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def written(monkeypatch, tmp_path, settings):
    """Bytes the temporary-file upload handler wrote (the files Django puts on disk), in a directory of our own."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # anything larger goes to a temporary file
    counts = {"bytes": 0, "files": 0}
    original = TemporaryFileUploadHandler.receive_data_chunk

    def receive(self, raw_data, start):
        counts["bytes"] += len(raw_data)
        return original(self, raw_data, start)

    def new_file(self, *args, **kwargs):
        counts["files"] += 1
        return original_new_file(self, *args, **kwargs)

    original_new_file = TemporaryFileUploadHandler.new_file
    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", receive)
    monkeypatch.setattr(TemporaryFileUploadHandler, "new_file", new_file)
    counts["dir"] = tmp_path
    return counts


def csv_upload(size: int, name="units.csv") -> io.BytesIO:
    body = (HEADER + ROW).encode()
    handle = io.BytesIO(body + b"\n" * max(size - len(body), 0))  # empty rows: skipped
    handle.name = name
    return handle


def state():
    return Unit.objects.count(), AuditRecord.objects.count(), staged_uploads()


@override_settings(GOVCIO_IMPORT_MAX_BYTES=50_000, DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_a_body_longer_than_the_route_allows_is_refused_unread(cio_client, written):
    before = state()
    response = cio_client.post(reverse("core:unit_import"), {"file": csv_upload(200_000)})
    assert response.status_code == 413
    body = response.content.decode()
    assert "The upload is larger than 0.1 MB, the most this page accepts." in body
    assert "Traceback" not in body and "RequestDataTooBig" not in body
    assert written["files"] == 0 and written["bytes"] == 0
    assert state() == before


@override_settings(GOVCIO_IMPORT_MAX_BYTES=100_000)
def test_a_file_past_the_limit_stops_the_upload_where_it_passes_it(cio_client, written):
    # The Content-Length (400 KB) is within the route's allowance for the other fields (5 MB), so only the
    # streaming check can stop it: it does at 100 KB, and the temporary file is removed.
    before = state()
    response = cio_client.post(reverse("core:unit_import"), {"file": csv_upload(400_000, "大文件.csv")})
    assert response.status_code == 413
    assert "“大文件.csv” is larger than 0.1 MB, the most this page accepts." in response.content.decode()
    assert written["bytes"] <= 100_000
    assert list(written["dir"].iterdir()) == []
    assert state() == before


@override_settings(GOVCIO_IMPORT_MAX_BYTES=100_000)
def test_a_file_within_the_limit_still_goes_through(cio_client, written):
    response = cio_client.post(reverse("core:unit_import"), {"file": csv_upload(50_000)})
    assert response.status_code == 200, response.context.get("file_error")
    assert "token" in response.context
    assert written["bytes"] >= 50_000


@override_settings(GOVCIO_UPLOAD_MAX_BYTES=10_000, GOVCIO_IMPORT_MAX_BYTES=100_000)
def test_import_pages_take_the_import_limit_not_the_attachment_limit(cio_client):
    response = cio_client.post(reverse("core:unit_import"), {"file": csv_upload(50_000)})
    assert response.status_code == 200


def test_an_import_page_takes_one_file(cio_client, written):
    response = cio_client.post(reverse("core:unit_import"), {"file": [csv_upload(100), csv_upload(100, "b.csv")]})
    assert response.status_code == 413
    assert "At most 1 file may be uploaded at once." in response.content.decode()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_an_api_body_past_the_limit_answers_413_in_json(cio):
    api = APIClient()
    api.force_authenticate(cio)
    payload = json.dumps({"name": "x" * 20_000, "code": "990001-X", "kind": "department"})
    response = api.post("/api/v1/org/units/", payload, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413
    assert response.json() == {"detail": "The upload is larger than 0.1 MB, the most this page accepts."}


@override_settings(GOVCIO_API_MAX_JSON_VALUES=1000)
def test_an_api_body_of_too_many_values_is_refused_before_it_is_built(cio):
    api = APIClient()
    api.force_authenticate(cio)
    payload = "[" + ",".join(["{}"] * 200_000) + "]"
    response = api.post("/api/v1/org/units/", payload, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "The JSON holds more than 1000 values" in response.json()["detail"]
    deep = "[" * 10_000 + "]" * 10_000
    response = api.post("/api/v1/org/units/", deep, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "nested more than 32 levels" in response.json()["detail"]
