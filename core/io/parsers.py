"""Cell parsers: each factory returns a callable that turns a non-empty, stripped cell into a Python value.

A parser raises ``ValueError(message)`` with a message for the user. Its ``empty`` attribute is the value of an
empty cell in an optional column, and its ``hint`` (lazy text, may be "") explains the format in the template.
"""

import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date as Date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db.models import Choices
from django.utils import translation
from django.utils.functional import Promise, lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

Parser = Callable[[str], Any]

GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
DATE_SEPARATED = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
TRUE_WORDS = {"是", "y", "yes", "true", "1", "对", "√", "✓"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "错", "×", "✗"}
CODE_SEPARATORS = re.compile(r"[,，;；、\s]+")


def _parser(function: Parser, *, empty: Any = None, hint: Any = "") -> Parser:
    function.empty = empty  # type: ignore[attr-defined]
    function.hint = hint  # type: ignore[attr-defined]
    return function


def _normal(value: str) -> str:
    # NFKC turns full-width digits and punctuation (１２３，) into ASCII, as typed with a Chinese input method.
    return unicodedata.normalize("NFKC", value).strip()


def _number(value: str) -> Decimal:
    value = _normal(value)
    if "," in value:
        if not GROUPED.fullmatch(value):
            raise InvalidOperation
        value = value.replace(",", "")
    number = Decimal(value)
    if not number.is_finite():
        raise InvalidOperation
    return number


def text(max_length: int | None = None) -> Parser:
    def parse(value: str) -> str:
        if max_length is not None and len(value) > max_length:
            raise ValueError(
                gettext("Enter at most {limit} characters (it has {count}).").format(limit=max_length, count=len(value))
            )
        return value

    hint = format_lazy(_("At most {limit} characters."), limit=max_length) if max_length else ""
    return _parser(parse, empty="", hint=hint)


def integer(min: int | None = None, max: int | None = None) -> Parser:
    def parse(value: str) -> int:
        try:
            number = _number(value)
        except (InvalidOperation, ValueError):
            raise ValueError(gettext("Enter a whole number.")) from None
        if number != number.to_integral_value():
            raise ValueError(gettext("Enter a whole number."))
        result = int(number)
        if min is not None and result < min:
            raise ValueError(gettext("Enter a number no less than {limit}.").format(limit=min))
        if max is not None and result > max:
            raise ValueError(gettext("Enter a number no greater than {limit}.").format(limit=max))
        return result

    return _parser(parse, hint=_("A whole number."))


def decimal(max_digits: int, places: int) -> Parser:
    def parse(value: str) -> Decimal:
        try:
            number = _number(value)
        except (InvalidOperation, ValueError):
            raise ValueError(gettext("Enter a number.")) from None
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > places and number != round(number, places):
            raise ValueError(gettext("Enter at most {places} digits after the decimal point.").format(places=places))
        number = round(number, places)
        if abs(number) >= Decimal(10) ** (max_digits - places):
            raise ValueError(
                gettext("Enter at most {digits} digits before the decimal point.").format(digits=max_digits - places)
            )
        return number

    return _parser(parse, hint=format_lazy(_("A number with at most {places} decimal places."), places=places))


def boolean() -> Parser:
    def parse(value: str) -> bool:
        word = _normal(value).casefold()
        if word in TRUE_WORDS or word == gettext("Yes").casefold():
            return True
        if word in FALSE_WORDS or word == gettext("No").casefold():
            return False
        raise ValueError(gettext("Enter Yes or No."))

    return _parser(parse, hint=_("Yes or No."))


def date() -> Parser:
    def parse(value: str) -> Date:
        value = _normal(value)
        match = DATE_SEPARATED.fullmatch(value) or DATE_COMPACT.fullmatch(value)
        if not match:
            raise ValueError(gettext("Enter a date such as 2026-01-31."))
        try:
            return Date(*(int(part) for part in match.groups()))
        except ValueError:
            raise ValueError(gettext("This date does not exist.")) from None

    return _parser(parse, hint=_("A date such as 2026-01-31."))


def fold(value: Any) -> str:
    """Text for comparing: full-width folded, spaces removed, case folded ("County / district" → "county/district")."""
    return "".join(_normal(str(value)).split()).casefold()


def choice(choices: type[Choices] | Iterable[tuple[Any, Any]]) -> Parser:
    """Accept the stored code or the label, in Chinese or English, ignoring case and spaces."""
    pairs = list(choices.choices if isinstance(choices, type) else choices)
    lookup: dict[str, Any] = {}

    def build() -> None:
        # Labels are lazy, so they are translated on first use, once the catalogues are loaded.
        languages = {code for code, _name in getattr(settings, "LANGUAGES", [])} | {"zh-hans", "en"}
        for language in sorted(languages):
            with translation.override(language):
                for code, label in pairs:
                    lookup.setdefault(fold(label), code)
        for code, _label in pairs:
            lookup[fold(code)] = code

    def options() -> str:
        return gettext(", ").join(str(label) for _code, label in pairs)

    def parse(value: str) -> Any:
        if not lookup:
            build()
        try:
            return lookup[fold(value)]
        except KeyError:
            raise ValueError(gettext("Choose one of: {options}.").format(options=options())) from None

    hint = lazy(lambda: gettext("One of: {options}.").format(options=options()), str)()
    parse.labels = lambda: [str(label) for _code, label in pairs]  # type: ignore[attr-defined]
    return _parser(parse, hint=hint)


def regex(pattern: str, message: str | Promise) -> Parser:
    compiled = re.compile(pattern)

    def parse(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(str(message))
        return value

    return _parser(parse, empty="")


def split_codes(value: str) -> list[str]:
    """The codes of a code list, each once, in the order written."""
    return list(dict.fromkeys(code for code in CODE_SEPARATORS.split(value or "") if code))


def code_list() -> Parser:
    """Codes separated by commas (or 、 ; and spaces), kept as one tidy string until ``core.io.checks.resolve_codes``
    turns them into keys (one restricted query for the whole file)."""

    def parse(value: str) -> str:
        # NFKC: full-width letters, digits and commas typed with a Chinese input method become ASCII.
        return ", ".join(split_codes(unicodedata.normalize("NFKC", value)))

    return _parser(parse, empty="", hint=_("Codes separated by commas."))
