"""Reading ``If-Match`` (RFC 9110 §13.1.1): absent, ``*``, a list of ETags (weak ones compare the same: the ETag is
the record's version, not bytes), or malformed (400)."""

import pytest

from core.api.preconditions import MalformedIfMatch, parse_if_match


@pytest.mark.parametrize(
    ("header", "version", "matches"),
    [
        ('"3"', 3, True),
        ('"3"', 4, False),
        ('W/"3"', 3, True),
        ('"1", "3"', 3, True),
        (' "1" ,W/"3" ', 3, True),
        ('"1", "2"', 3, False),
        ('"3",', 3, True),
        (', "1",, "3"', 3, True),
        ('"abc"', 3, False),
        ('""', 3, False),
        ("*", 3, True),
        (" * ", 99, True),
    ],
)
def test_well_formed(header, version, matches):
    assert parse_if_match(header).matches(version) is matches


def test_absent_is_none():
    assert parse_if_match(None) is None


@pytest.mark.parametrize(
    "header", ["", " ", "3", "W/3", '"3', '3"', '"3" "4"', '"a b"', '*, "3"', '"3"; x', 'w/"3"', "**"]
)
def test_malformed_is_400(header):
    with pytest.raises(MalformedIfMatch) as raised:
        parse_if_match(header)
    assert raised.value.status_code == 400
