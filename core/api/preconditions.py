"""``If-Match`` on the API: every change to an existing versioned record — PUT, PATCH, DELETE and the workflow steps
``POST …/{id}/<step>/`` — names the version it was made from (docs/decisions/0008-if-match-required.md):

- absent: 428 Precondition Required (RFC 6585 §3), so a client that never read the record cannot overwrite someone
  else's change without noticing;
- malformed: 400;
- naming another version than the record's: 412 Precondition Failed (RFC 9110 §13.1.1);
- ``*``: whatever version is there — the client says it means to overwrite.

The ETag is the record's version, ``"3"``. It names the state of the record, not the bytes of one representation,
so a weak tag (``W/"3"``, which is what a compressing proxy makes of it) compares the same as the strong one.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError

_ETAG = r'(?:W/)?"([\x21\x23-\x7e\x80-\xff]*)"'  # RFC 9110 §8.8.3: entity-tag
# 1#entity-tag, with the empty elements a recipient ignores (RFC 9110 §5.6.1.2)
_ETAG_LIST = re.compile(rf"[\s,]*{_ETAG}(?:\s*,[\s,]*{_ETAG})*[\s,]*")


class PreconditionRequired(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = _(
        'This change needs an If-Match header with the ETag of the record as you read it, e.g. If-Match: "3" '
        "(the record's version), or If-Match: * to change it whatever its version."
    )
    default_code = "precondition_required"


class MalformedIfMatch(ParseError):
    default_detail = _('The If-Match header must be ETags in double quotes, separated by commas (e.g. "3"), or *.')
    default_code = "malformed_if_match"


@dataclass(frozen=True)
class IfMatch:
    any: bool
    tags: frozenset[str]  # the opaque values, quotes and W/ removed

    def matches(self, version: int) -> bool:
        return self.any or str(version) in self.tags


def parse_if_match(value: str | None) -> IfMatch | None:
    """The ``If-Match`` header's value; None when absent; ``MalformedIfMatch`` (400) when it is not a list of
    ETags or ``*`` — an empty header included."""
    if value is None:
        return None
    if value.strip() == "*":
        return IfMatch(any=True, tags=frozenset())
    if not _ETAG_LIST.fullmatch(value):
        raise MalformedIfMatch()
    return IfMatch(any=False, tags=frozenset(re.findall(_ETAG, value)))
