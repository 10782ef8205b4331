"""Staged import files (kept between the preview and the commit) do not pile up: deleted when the import is committed
or cancelled, and once a day old by `govcio cleanup` (daily) and whenever another file is staged."""

import io
import os
import time

import pytest
from django.core.management import call_command
from django.urls import reverse

from core.models import Unit
from core.staging import staging_dir
from core.testing import build_tree, make_user

CSV = "类型,名称,简称,代码,统一社会信用代码,上级代码\n部门,甲县统计局,统计局,990001-TJ,,990001\n".encode()
DAY = 24 * 60 * 60


@pytest.fixture
def cio_client(client, db):
    tree = build_tree()
    client.force_login(make_user("cio", "cio", tree.county_a))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture(autouse=True)
def empty_staging():
    for entry in staging_dir().iterdir():
        entry.unlink()


def preview(client) -> str:
    handle = io.BytesIO(CSV)
    handle.name = "units.csv"
    response = client.post(reverse("core:unit_import"), {"file": handle})
    assert response.status_code == 200
    return response.context["token"]


def staged() -> list[str]:
    return sorted(entry.name for entry in staging_dir().iterdir())


def old_file(name="1-abandoned.csv", age=DAY + 60):
    path = staging_dir() / name
    path.write_bytes(b"a,b\n")
    os.utime(path, (time.time() - age, time.time() - age))
    return path


def test_committing_deletes_the_staged_file(cio_client):
    token = preview(cio_client)
    assert len(staged()) == 1
    response = cio_client.post(reverse("core:unit_import"), {"token": token})
    assert response.status_code == 302
    assert Unit.objects.filter(code="990001-TJ").exists()
    assert staged() == []


def test_cancelling_deletes_the_staged_file_and_imports_nothing(cio_client):
    token = preview(cio_client)
    response = cio_client.post(reverse("core:unit_import"), {"token": token, "action": "cancel"})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:unit_import")
    assert staged() == []
    assert not Unit.objects.filter(code="990001-TJ").exists()
    # The token is spent: it commits nothing afterwards.
    assert cio_client.post(reverse("core:unit_import"), {"token": token}).status_code == 404


def test_the_preview_offers_the_cancel_button(cio_client):
    handle = io.BytesIO(CSV)
    handle.name = "units.csv"
    response = cio_client.post(reverse("core:unit_import"), {"file": handle})
    assert 'name="action" value="cancel"' in response.content.decode()


def test_cleanup_deletes_files_a_day_old(db):
    abandoned, fresh = old_file(), old_file("1-fresh.csv", age=60)
    out = io.StringIO()
    call_command("cleanup", stdout=out)
    assert not abandoned.exists() and fresh.exists()
    assert "1" in out.getvalue()


def test_staging_a_file_clears_abandoned_ones(cio_client):
    abandoned = old_file()
    preview(cio_client)
    assert not abandoned.exists()
    assert len(staged()) == 1
