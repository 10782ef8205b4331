"""The preview of a checked file shows what the user typed (names, 是/否, Chinese choices), every row in pages of
50 with the count; a title row above the header, a 序号 column and blank rows are left out as the check leaves them."""

import io

import pytest
from django.urls import reverse

from core.models import Unit
from core.testing import build_tree, make_user

HEADER = ["类型", "名称", "简称", "代码", "统一社会信用代码", "上级代码"]
URL = "core:unit_import"


@pytest.fixture
def cio(client, db):
    tree = build_tree()
    client.force_login(make_user("cio_preview", "cio", tree.county_a))
    return client


def csv_of(lines: list[list]) -> bytes:
    return ("\n".join(",".join(str(cell) for cell in line) for line in lines) + "\n").encode("utf-8")


def upload(client, data: bytes, name: str = "units.csv"):
    handle = io.BytesIO(data)
    handle.name = name
    return client.post(reverse(URL), {"file": handle})


def departments(count: int) -> list[list]:
    return [["部门", f"甲县第{n}局", "", f"990001-P{n:03d}", "", "990001"] for n in range(1, count + 1)]


def test_every_row_in_pages_with_the_count(cio):
    response = upload(cio, csv_of([HEADER, *departments(120)]))
    assert response.status_code == 200
    assert response.context["result"].total == 120
    assert response.context["preview_pages"] == 3
    assert [row["number"] for row in response.context["preview_rows"]] == list(range(2, 52))
    token = response.context["token"]
    page = cio.get(reverse(URL), {"upload": token, "page": 3})
    rows = page.context["preview_rows"]
    assert [row["number"] for row in rows] == list(range(102, 122))
    assert [v for v, _changed in rows[-1]["cells"]] == ["部门", "甲县第120局", "", "990001-P120", "", "990001"]
    assert 'id="preview-pages"' in page.content.decode()
    assert cio.get(reverse(URL), {"upload": token, "page": "x"}).status_code == 400


def test_the_cells_as_typed(cio):
    response = upload(cio, csv_of([HEADER, ["Department", "甲县审计局", "审计局", "990001-SJ", "", "990001"]]))
    assert response.context["preview_rows"][0]["cells"][0] == ("Department", False)  # as written, not the stored code


def test_a_title_row_a_row_number_column_and_blank_rows_are_left_out(cio):
    lines = [
        ["甲县部门名录（2026年12月）"],
        ["序号", *HEADER],
        ["1", "部门", "甲县审计局", "审计局", "990001-SJ", "", "990001"],
        ["2", "", "", "", "", "", ""],
        [],
        ["3", "部门", "甲县统计局", "统计局", "990001-TJ", "", "990001"],
    ]
    response = upload(cio, csv_of(lines))
    assert response.status_code == 200, response.context["result"].errors
    assert response.context["result"].total == 2
    assert response.context["preview_headers"] == HEADER
    assert [row["number"] for row in response.context["preview_rows"]] == [3, 6]
    cio.post(reverse(URL), {"token": response.context["token"]})
    assert set(Unit.objects.filter(code__in=["990001-SJ", "990001-TJ"]).values_list("name", flat=True)) == {
        "甲县审计局",
        "甲县统计局",
    }


def test_a_file_whose_rows_name_no_column_keeps_its_first_row_as_the_header(cio):
    response = upload(cio, csv_of([["a", "b"], ["1", "2"]]))
    assert response.status_code == 400
    errors = response.context["result"].errors
    assert any("a" in e.message and "b" in e.message and e.row == 1 for e in errors), errors
