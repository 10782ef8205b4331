"""Query parameters, read one way: a value that is not what the parameter takes is the client's mistake and answers
400 with a message naming the parameter — never a 500 from the database, never silently read as absent.

A record's key is ASCII digits within a signed 64-bit integer: SQLite refuses a larger number ("Python int too
large to convert to SQLite INTEGER"), and ``str.isdigit()`` accepts "²", which ``int()`` does not.
"""

import re

from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _

MIN_INT, MAX_INT = -(2**63), 2**63 - 1
_INTEGER = re.compile(r"-?[0-9]{1,19}")


class BadParameter(BadRequest):
    """A query parameter with a value it does not take; its message is for the user (core.views.errors)."""


def parse_int(value, min_value: int = MIN_INT, max_value: int = MAX_INT) -> int | None:
    """``value`` (text) as an integer within the bounds, or None."""
    if not isinstance(value, str) or not _INTEGER.fullmatch(value.strip()):
        return None
    number = int(value)
    return number if min_value <= number <= max_value else None


def parse_key(value) -> int | None:
    """``value`` as a record's key (a positive 64-bit integer), or None."""
    return parse_int(value, 1, MAX_INT)


def int_param(request, name: str, *, default=None, min_value: int = 1, max_value: int = MAX_INT):
    """The integer ``?name=``; ``default`` when absent or empty. A record's key by default (1 up)."""
    value = request.GET.get(name, "")
    if value == "":
        return default
    number = parse_int(value, min_value, max_value)
    if number is None:
        raise BadParameter(int_message(name, min_value, max_value))
    return number


def int_message(name: str, min_value: int = 1, max_value: int = MAX_INT) -> str:
    """What an integer parameter takes, for the 400 of a page or of the API."""
    if (min_value, max_value) == (1, MAX_INT):
        message = _("The parameter “{name}” must be a record's number (a whole number from 1).")
    else:
        message = _("The parameter “{name}” must be a whole number from {min} to {max}.")
    return message.format(name=name, min=min_value, max=max_value)


def choice_param(request, name: str, choices, *, default: str = "") -> str:
    """``?name=`` if it is one of ``choices``; ``default`` when absent or empty."""
    value = request.GET.get(name, "")
    if value == "":
        return default
    if value not in choices:
        allowed = ", ".join(str(choice) for choice in choices)
        raise BadParameter(_("The parameter “{name}” must be one of: {allowed}.").format(name=name, allowed=allowed))
    return value
