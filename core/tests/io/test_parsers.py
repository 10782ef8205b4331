from datetime import date as Date
from decimal import Decimal

import pytest
from django.utils import translation

from core.choices import UnitKind
from core.io import boolean, choice, date, decimal, integer, regex, text


def error(parse, value: str) -> str:
    with pytest.raises(ValueError) as info:
        parse(value)
    return str(info.value)


def test_text():
    parse = text(5)
    assert parse("示例县") == "示例县"
    assert parse("abcde") == "abcde"
    assert error(parse, "abcdef") == "Enter at most 5 characters (it has 6)."
    assert parse.empty == ""
    assert text()("x" * 10_000) == "x" * 10_000


@pytest.mark.parametrize(
    ("value", "expected"),
    [("42", 42), ("-7", -7), ("+3", 3), ("1,234", 1234), ("12.0", 12), ("１２３", 123), ("0", 0)],
)
def test_integer_good(value, expected):
    assert integer()(value) == expected


@pytest.mark.parametrize("value", ["abc", "1.5", "1,2", "12,34", "", "NaN", "inf", "1 2"])
def test_integer_bad(value):
    assert error(integer(), value) == "Enter a whole number."


def test_integer_bounds():
    parse = integer(min=1, max=10)
    assert parse("1") == 1
    assert parse("10") == 10
    assert error(parse, "0") == "Enter a number no less than 1."
    assert error(parse, "11") == "Enter a number no greater than 10."
    assert parse.empty is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12.34", Decimal("12.34")),
        ("1,234.5", Decimal("1234.50")),
        ("-0.5", Decimal("-0.50")),
        ("7", Decimal("7")),
        ("1.500", Decimal("1.50")),
        ("９９.９", Decimal("99.9")),
    ],
)
def test_decimal_good(value, expected):
    assert decimal(6, 2)(value) == expected


def test_decimal_bad():
    parse = decimal(6, 2)
    assert error(parse, "abc") == "Enter a number."
    assert error(parse, "Infinity") == "Enter a number."
    assert error(parse, "1.234") == "Enter at most 2 digits after the decimal point."
    assert error(parse, "12345") == "Enter at most 4 digits before the decimal point."
    assert parse("9999.99") == Decimal("9999.99")


@pytest.mark.parametrize("value", ["是", "Y", "y", "yes", "TRUE", "true", "1", "Yes"])
def test_boolean_true(value):
    assert boolean()(value) is True


@pytest.mark.parametrize("value", ["否", "N", "n", "no", "FALSE", "False", "0", "No"])
def test_boolean_false(value):
    assert boolean()(value) is False


def test_boolean_bad():
    assert error(boolean(), "maybe") == "Enter Yes or No."
    assert error(boolean(), "2") == "Enter Yes or No."


@pytest.mark.parametrize(
    "value", ["2026-01-31", "2026/1/31", "2026/01/31", "2026年1月31日", "20260131", "2026.1.31", "２０２６-０１-３１"]
)
def test_date_good(value):
    assert date()(value) == Date(2026, 1, 31)


def test_date_bad():
    parse = date()
    assert error(parse, "31/01/2026") == "Enter a date such as 2026-01-31."
    assert error(parse, "yesterday") == "Enter a date such as 2026-01-31."
    assert error(parse, "2026-02-30") == "This date does not exist."
    assert error(parse, "20261340") == "This date does not exist."


def test_choice_code_and_english_label():
    parse = choice(UnitKind)
    assert parse("county") == "county"
    assert parse("COUNTY") == "county"
    assert parse("County / district") == "county"
    assert parse("county/district") == "county"
    assert parse("Subordinate unit") == "subunit"


def test_choice_chinese_label_whatever_the_active_language(zh_catalogue):
    parse = choice(UnitKind)
    assert parse("县/区") == "county"
    assert parse("县 / 区") == "county"
    with translation.override("zh-hans"):
        assert parse("County / district") == "county"


def test_choice_bad_lists_the_options():
    message = error(choice(UnitKind), "village")
    assert message.startswith("Choose one of: Province, City, County / district")


def test_choice_from_pairs():
    parse = choice([(1, "Low"), (2, "High")])
    assert parse("high") == 2
    assert parse("1") == 1
    assert parse.labels() == ["Low", "High"]


def test_regex():
    parse = regex(r"[0-9A-HJ-NPQRTUWXY]{18}", "Enter an 18-character unified social credit code.")
    assert parse("91330100MA27XL0E2Y") == "91330100MA27XL0E2Y"
    assert error(parse, "91330100MA27XL0E2") == "Enter an 18-character unified social credit code."
    assert error(parse, "91330100MA27XL0E2YZ") == "Enter an 18-character unified social credit code."
