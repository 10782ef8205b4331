"""The API's bounded JSON parser (core.api.parsers: read within the limits, walked by ijson, then built) against DRF's
JSONParser on the documents both take, and on those DRF refuses."""

import io
import json

import pytest
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from core.api.parsers import BoundedJSONParser

DOCUMENTS = [
    {},
    [],
    {"名称": "示例县社保卡管理系统", "繁體": "資訊", "emoji": "😀", "combining": "e\u0301", "sep": "\u2028"},
    {"escapes": '"\\/\b\f\n\r\t\u0000\u001f', "ascii": "\u4e2d\u6587"},
    {"numbers": [0, -0, 1, -1, 2**53 + 1, 2**64, 1.5, -0.0, 1e-300, 1e308, 0.1, 12345678901234567890.5]},
    {"nested": {"a": [{"b": [None, True, False, {"c": []}]}]}, "": "empty key"},
    {"duplicate": 1},
    "just a string",
    12,
    None,
]
RAW = [
    b'{"a": 1, "a": 2}',  # a repeated key: the last one wins
    b'  \n{"a" : [1 , 2]}\n  ',
    b'{"big": 1E400}',  # a float past the range
    b'{"exp": 1e2, "neg": -1.0E-2}',
    b'"\\ud83d\\ude00 \\u00e9"',  # surrogate pairs escaped
]
REFUSED = [b"", b"{", b'{"a": NaN}', b"[Infinity]", b"[-Infinity]", b"{'a': 1}", b"[1,]", b"\xff\xfe", b"[1] [2]"]


def drf(data: bytes):
    return JSONParser().parse(io.BytesIO(data))


def ours(data: bytes):
    return BoundedJSONParser().parse(io.BytesIO(data))


def outcome(parse, data):
    try:
        return parse(data)
    except ParseError:
        return ParseError


@pytest.mark.parametrize("document", DOCUMENTS)
def test_documents_both_take_parse_alike(document):
    for ensure_ascii in (True, False):
        data = json.dumps(document, ensure_ascii=ensure_ascii).encode("utf-8")
        assert repr(ours(data)) == repr(drf(data))  # repr: -0.0 and 0 told apart, types compared


@pytest.mark.parametrize("data", RAW)
def test_raw_texts_parse_alike(data):
    assert repr(outcome(ours, data)) == repr(outcome(drf, data))


@pytest.mark.parametrize("data", REFUSED)
def test_what_drf_refuses_is_refused(data):
    assert outcome(drf, data) is ParseError
    assert outcome(ours, data) is ParseError
