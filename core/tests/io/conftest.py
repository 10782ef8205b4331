"""Fixtures for the import/export toolkit: in-memory files, a scoped user, a small Unit schema."""

import csv
import io
import zipfile
from collections.abc import Iterable
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import trans_real

from core.io import Column, ForeignKey, Schema, regex, text

ZH = {
    "name": "名称",
    "code": "编码",
    "kind": "类型",
    "parent": "上级单位",
    "County / district": "县/区",
    "Yes": "是",
    "No": "否",
    "Notes": "说明",
}


def xlsx_bytes(rows: Iterable[Iterable[Any]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_file(rows: Iterable[Iterable[Any]], name: str = "data.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(rows))


def csv_file(rows: Iterable[Iterable[Any]], name: str = "data.csv", encoding: str = "utf-8-sig") -> SimpleUploadedFile:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding))


def rezip(data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """A copy of a zip with some parts replaced (or added, if missing) and others added, all deflated."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = set(source.namelist())
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
        extra = {name: content for name, content in replace.items() if name not in names} | (add or {})
        for name, content in extra.items():
            target.writestr(name, content)
    return out.getvalue()


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the msgids); tests that need Chinese switch explicitly."""
    with translation.override("en"):
        yield


@pytest.fixture
def zh_catalogue():
    """A few zh-hans translations, as the real catalogue will provide them."""
    catalogue = trans_real.translation("zh-hans")._catalog._catalogs[0]
    added = [key for key in ZH if key not in catalogue]
    previous = {key: catalogue[key] for key in ZH if key in catalogue}
    catalogue.update(ZH)
    yield
    for key in added:
        catalogue.pop(key, None)
    catalogue.update(previous)


def unit_schema(**kwargs: Any) -> Schema:
    from core.models import Unit

    return Schema(
        Unit,
        [
            Column("name", _("name"), required=True, example="示例县"),
            Column(
                "code",
                _("code"),
                parser=regex(r"\d{6}(\d{3})?", _("Enter 6 or 9 digits.")),
                required=True,
                unique=True,
                example="330122",
            ),
            Column("kind", _("kind"), required=True, example="County / district"),
            Column("short_name", _("short name"), parser=text(5)),
            ForeignKey("parent", _("parent"), "core.Unit", example="330100"),
        ],
        **kwargs,
    )


@pytest.fixture
def schema() -> Schema:
    return unit_schema()


@pytest.fixture
def units(db):
    """A city with a county under it (in scope for ``user``), and a second city outside it."""
    from core.models import Unit

    city = Unit.objects.create(kind="city", name="示例市", code="330100", path="0001", depth=1)
    county = Unit.objects.create(kind="county", name="示例县", code="330122", path="00010001", depth=2, parent=city)
    other = Unit.objects.create(kind="city", name="别的市", code="340100", path="0002", depth=1)
    return {"city": city, "county": county, "other": other}


@pytest.fixture
def user(units):
    from accounts.models import User
    from core.models import Role, RoleAssignment

    person = User.objects.create_user(username="cio", password=None)  # unusable: skips the slow hasher
    RoleAssignment.objects.create(
        user=person, role=Role.objects.get(code="cio"), unit=units["city"], include_descendants=True
    )
    return person
