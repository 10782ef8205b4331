"""The bounded JSON walk: what it counts, what it keeps of the top level, and how ``parts`` cuts a document."""

import io
import json

import pytest

from core.io import ImportFileError, jsonlimits

LIMITS = jsonlimits.JsonLimits(values=100, part_values=10, depth=4, string_chars=40)


def doc(value) -> io.BytesIO:
    return io.BytesIO(json.dumps(value).encode())


def refused(value, limits=LIMITS) -> str:
    with pytest.raises(ImportFileError) as info:
        jsonlimits.check(value if isinstance(value, io.BytesIO) else doc(value), limits)
    return info.value.message


def test_outline_of_an_object_keeps_the_context_and_type():
    value = {"@context": {"dcat": "http://www.w3.org/ns/dcat#"}, "@type": "dcat:Catalog", "dcat:dataset": [{}, {}]}
    outline = jsonlimits.check(doc(value), LIMITS)
    assert outline.kind == "object"
    assert outline.members == {"@context": "object", "@type": "scalar", "dcat:dataset": "array"}
    assert outline.kept == {"@context": {"dcat": "http://www.w3.org/ns/dcat#"}, "@type": "dcat:Catalog"}
    assert outline.values == 7  # the root, the context and its text, the type, the list and its two objects


def test_parts_of_an_object_and_of_an_array():
    value = {"a": [1, {"b": 2}], "c": {"d": [3]}, "e": "x"}
    assert list(jsonlimits.parts(doc(value))) == [("a", 1), ("a", {"b": 2}), ("c", {"d": [3]}), ("e", "x")]
    assert list(jsonlimits.parts(doc([{"a": 1}, [2], 3]))) == [(None, {"a": 1}), (None, [2]), (None, 3)]
    assert list(jsonlimits.parts(doc("alone"))) == [(None, "alone")]


def test_the_limits():
    assert refused([[]] * 101) == "The JSON holds more than 100 values (objects, lists, texts and numbers)."
    assert refused([[[[[]]]]]) == "The JSON is nested more than 4 levels deep."
    assert refused({"x" * 41: 1}) == "The JSON has a text longer than 40 characters."
    assert refused(["x" * 41]) == "The JSON has a text longer than 40 characters."
    message = "One part of the JSON (a dataset, an item of a list) holds more than 10 values."
    assert refused({"items": [list(range(10))]}) == message
    assert refused([{"k": list(range(10))}]) == message
    # Many small parts are fine, and a member array is not a part of its own.
    jsonlimits.check(doc({"items": [list(range(9))] * 5, "other": list(range(9))}), LIMITS)


def test_not_json_and_not_utf8():
    assert refused(io.BytesIO(b'{"a": NaN}')) == "This is not valid JSON."
    assert refused(io.BytesIO(b'{"a": [1,')) == "This is not valid JSON."
    assert refused(io.BytesIO('{"a": "户籍"}'.encode("gbk"))) == (
        "The file is not UTF-8 text. Save it as UTF-8 JSON and try again."
    )
    assert jsonlimits.check(io.BytesIO(b'\xef\xbb\xbf{"a": 1}'), LIMITS).members == {"a": "scalar"}


def test_load_builds_the_document_within_the_limits():
    assert jsonlimits.loads(b'{"a": [1, 2.5, "x", null, true]}', LIMITS) == {"a": [1, 2.5, "x", None, True]}
