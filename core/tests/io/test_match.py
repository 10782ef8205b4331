"""The "add and update" mode's match: a schema declares its key columns (the code by default, a catalog's source
identifier besides), each finding a row's record on its own; a row naming two records is an error; the changes are
each matched row's fields against its record's, only for the file's columns."""

import pytest
from django.utils.translation import gettext_lazy as _

from core.io import Column, Schema, parsers

from .conftest import csv_file, unit_schema

HEADER = ["name", "code", "kind", "short name", "parent"]


def keyed_schema() -> Schema:
    from core.models import Unit

    return Schema(
        Unit,
        [
            Column("name", _("name"), required=True),
            Column("code", _("code"), required=True, unique=True),
            Column("credit_code", _("Unified social credit code"), parser=parsers.text(18), unique=True),
            Column("kind", _("kind"), required=True),
        ],
        match=("code", "credit_code"),
    )


def test_the_code_is_the_default_key_and_a_schema_without_one_offers_no_update():
    from core.models import Unit

    assert unit_schema().match == ("code",)
    assert Schema(Unit, [Column("name", _("name"))]).match == ()
    with pytest.raises(ValueError):
        Schema(Unit, [Column("name", _("name"))], match=("name",))  # not a unique column


@pytest.mark.django_db
def test_changes_of_matched_rows_and_new_rows(units, user):
    rows = [HEADER, ["示例县（改）", "330122", "county", "", "330100"], ["示例市", "330100", "city", "", ""]]
    result = unit_schema().validate(csv_file(rows), "u.csv", user, update=True)
    assert result.ok, result.errors
    assert result.changes == {0: {"name": ["示例县", "示例县（改）"]}}
    assert result.counts == {"created": 0, "updated": 1, "unchanged": 1}
    rows.append(["新县", "330199", "county", "", "330100"])
    result = unit_schema().validate(csv_file(rows), "u.csv", user, update=True)
    assert result.counts == {"created": 1, "updated": 1, "unchanged": 1}
    assert "pk" not in result.rows[2]


@pytest.mark.django_db
def test_any_declared_key_finds_the_record_and_two_records_in_one_row_is_an_error(units, user):
    from core.models import Unit

    Unit.objects.filter(pk=units["county"].pk).update(credit_code="11330122MB1234567X")
    header = ["name", "code", "Unified social credit code", "kind"]
    by_second_key = [header, ["示例县", "330199", "11330122MB1234567X", "county"]]
    result = keyed_schema().validate(csv_file(by_second_key), "u.csv", user, update=True)
    assert result.ok, result.errors
    assert result.rows[0]["pk"] == units["county"].pk
    assert result.changes == {0: {"code": ["330122", "330199"]}}
    both = [header, ["示例市", "330100", "11330122MB1234567X", "city"]]
    result = keyed_schema().validate(csv_file(both), "u.csv", user, update=True)
    assert [(e.row, e.message) for e in result.errors] == [
        (2, "This row matches two different records: check its codes.")
    ]


@pytest.mark.django_db
def test_a_record_outside_the_users_scope_is_not_matched(units, user):
    rows = [HEADER, ["别的市", "340100", "city", "", ""]]
    result = unit_schema().validate(csv_file(rows), "u.csv", user, update=True)
    assert [(e.row, e.message) for e in result.errors] == [(2, "“340100” already exists.")]
