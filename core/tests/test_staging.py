"""Import uploads (kept in the database between the preview and the commit) do not pile up: deleted when the import is
committed or cancelled, and once a day old by `govcio cleanup` (daily) and whenever another file is staged."""

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core import staging
from core.models import ImportUpload, Unit
from core.testing import make_user, staged_uploads
from core.tests import test_uploads

CSV = "类型,名称,简称,代码,统一社会信用代码,上级代码\n部门,甲县统计局,统计局,990001-TJ,,990001\n".encode()
DAY = 24 * 60 * 60
cio, cio_client = test_uploads.cio, test_uploads.cio_client  # the same fixtures


def preview(client) -> str:
    handle = io.BytesIO(CSV)
    handle.name = "units.csv"
    response = client.post(reverse("core:unit_import"), {"file": handle})
    assert response.status_code == 200
    return response.context["token"]


def old_upload(owner, age=DAY + 60) -> ImportUpload:
    upload = staging.stage(SimpleUploadedFile("old.csv", b"a,b\n"), owner=owner, kind="test")
    ImportUpload.objects.filter(pk=upload.pk).update(created_at=timezone.now() - timedelta(seconds=age))
    return upload


def test_committing_deletes_the_staged_file(cio_client):
    token = preview(cio_client)
    assert staged_uploads() == {token}
    response = cio_client.post(reverse("core:unit_import"), {"token": token})
    assert response.status_code == 302
    assert Unit.objects.filter(code="990001-TJ").exists()
    assert staged_uploads() == set()


def test_cancelling_deletes_the_staged_file_and_imports_nothing(cio_client):
    token = preview(cio_client)
    response = cio_client.post(reverse("core:unit_import"), {"token": token, "action": "cancel"})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:unit_import")
    assert staged_uploads() == set()
    assert not Unit.objects.filter(code="990001-TJ").exists()
    # The token is spent: it commits nothing afterwards.
    assert cio_client.post(reverse("core:unit_import"), {"token": token}).status_code == 404


def test_the_preview_offers_the_cancel_button(cio_client):
    handle = io.BytesIO(CSV)
    handle.name = "units.csv"
    response = cio_client.post(reverse("core:unit_import"), {"file": handle})
    assert 'name="action" value="cancel"' in response.content.decode()


def test_cleanup_deletes_files_a_day_old(cio):
    fresh = old_upload(cio, age=60)
    abandoned = ImportUpload.objects.create(
        **{f.attname: getattr(fresh, f.attname) for f in ImportUpload._meta.concrete_fields if f.attname != "id"}
        | {"token": "abandoned"}
    )
    ImportUpload.objects.filter(pk=abandoned.pk).update(created_at=timezone.now() - timedelta(seconds=DAY + 60))
    out = io.StringIO()
    call_command("cleanup", stdout=out)
    assert staged_uploads() == {fresh.token}
    assert abandoned.token not in staged_uploads()
    assert "1" in out.getvalue()


def test_staging_a_file_clears_abandoned_ones(cio_client, cio):
    abandoned = old_upload(cio)
    token = preview(cio_client)
    assert staged_uploads() == {token} and abandoned.token not in staged_uploads()


def test_an_upload_is_found_by_its_owner_only(cio, db):
    upload = staging.stage(SimpleUploadedFile("a.csv", b"a\n"), owner=cio, kind="test")
    other = make_user("other", "cio", cio.unit)
    assert staging.find(cio, upload.token) == upload
    assert staging.find(other, upload.token) is None
    assert staging.find(cio, upload.token, "another") is None
    assert staging.find(cio, "../" + upload.token) is None
    assert staging.open_file(upload).read() == b"a\n"
