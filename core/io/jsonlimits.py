"""Bounded JSON: a file is walked once as a stream of parse events (ijson's C backend) and refused, with a message
naming the limit, as soon as it holds more values, deeper nesting or longer texts than the settings allow. Nothing
is built on that walk but a short outline of the top level, so a 36 MB file of 12 million empty objects costs
kilobytes and a fraction of a second instead of gigabytes. After it, ``parts`` streams the document's top-level
parts one by one for readers that can work part by part (the DCAT import), and ``loads`` parses a small document
(an API body) whole with the standard parser, now that its size is known to be harmless.
"""

import codecs
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import ijson
from django.conf import settings
from django.utils.translation import gettext as _

from .errors import ImportFileError

BOM = codecs.BOM_UTF8
CHUNK = 64 * 1024
STARTS = ("start_map", "start_array")
ENDS = ("end_map", "end_array")
# Top-level members an outline keeps whole (JSON-LD needs the context before the first node, and the root's type).
KEPT = ("@context", "@type")


@dataclass(frozen=True, slots=True)
class JsonLimits:
    values: int  # objects, arrays, texts, numbers, true/false/null (keys not counted)
    part_values: int  # values in one of the parts ``parts`` yields, each of which a reader builds whole
    depth: int  # objects and arrays open at once
    string_chars: int  # characters in one text or key


def json_limits(values: int | None = None) -> JsonLimits:
    """The limits for files; an API body passes its own (smaller) ``values``, which bounds its parts too."""
    return JsonLimits(
        values=settings.GOVCIO_JSON_MAX_VALUES if values is None else values,
        part_values=settings.GOVCIO_JSON_MAX_PART_VALUES if values is None else values,
        depth=settings.GOVCIO_JSON_MAX_DEPTH,
        string_chars=settings.GOVCIO_JSON_MAX_STRING_CHARS,
    )


@dataclass
class Outline:
    """The top level of a document: ``kind`` is "object", "array" or "scalar"; for an object, ``members`` maps each
    key to the kind of its value and ``kept`` holds the values of the ``KEPT`` keys."""

    kind: str = "scalar"
    members: dict[str, str] = field(default_factory=dict)
    kept: dict[str, Any] = field(default_factory=dict)
    values: int = 0


def not_json() -> ImportFileError:
    return ImportFileError(_("This is not valid JSON."))


def check(fileobj: IO[bytes], limits: JsonLimits) -> Outline:
    """Walk the whole file within ``limits`` (ImportFileError at the first excess or when it is not UTF-8 JSON)."""
    _check_utf8(fileobj)
    outline = Outline()
    values = depth = part = 0
    member_array = False  # inside a member of the root object that is an array: its items are the parts
    key = ""
    kept: ijson.ObjectBuilder | None = None
    try:
        for event, value in ijson.basic_parse(_after_bom(fileobj), buf_size=CHUNK):
            if kept is not None:
                kept.event(event, value)
            if event == "map_key":
                if len(value) > limits.string_chars:
                    raise _too_long(limits)
                if depth == 1:
                    key = value
                continue
            if event in ENDS:
                depth -= 1
                if depth == 1:
                    member_array = False
                if kept is not None and depth == 1:
                    outline.kept[key], kept = kept.value, None
                continue
            values += 1
            if values > limits.values:
                message = _("The JSON holds more than {limit} values (objects, lists, texts and numbers).")
                raise ImportFileError(message.format(limit=limits.values))
            if depth == 0:
                outline.kind = {"start_map": "object", "start_array": "array"}.get(event, "scalar")
            elif depth == 1 and outline.kind == "object" and event == "start_array":
                member_array = True
            elif depth == 1 or (depth == 2 and member_array):
                part = 0  # a part starts (as ``parts`` cuts them)
            if depth > 0 and not (depth == 1 and member_array and event == "start_array"):
                part += 1
                if part > limits.part_values:
                    message = _("One part of the JSON (a dataset, an item of a list) holds more than {limit} values.")
                    raise ImportFileError(message.format(limit=limits.part_values))
            if depth == 1 and outline.kind == "object":
                outline.members[key] = {"start_map": "object", "start_array": "array"}.get(event, "scalar")
                if key in KEPT:
                    if event in STARTS:
                        kept = ijson.ObjectBuilder()
                        kept.event(event, value)
                    else:
                        outline.kept[key] = value
            if event in STARTS:
                depth += 1
                if depth > limits.depth:
                    raise ImportFileError(
                        _("The JSON is nested more than {limit} levels deep.").format(limit=limits.depth)
                    )
            elif event == "string" and len(value) > limits.string_chars:
                raise _too_long(limits)
    except (ijson.JSONError, ValueError):  # ValueError: a number too long to convert
        raise not_json() from None
    finally:
        fileobj.seek(0)
    outline.values = values
    return outline


def parts(fileobj: IO[bytes]) -> Iterator[tuple[str | None, Any]]:
    """The document's top level, one part at a time, each built on its own: ``(None, item)`` for each item of a
    top-level array; for a top-level object, ``(key, item)`` for each item of a member that is an array and
    ``(key, value)`` for any other member; ``(None, value)`` for a lone scalar. Call ``check`` first."""
    open_: list[str] = []  # the containers open above the part being built: the root, then a member array
    key: str | None = None
    builder: ijson.ObjectBuilder | None = None
    nested = 0
    try:
        for event, value in ijson.basic_parse(_after_bom(fileobj), buf_size=CHUNK):
            if builder is not None:
                builder.event(event, value)
                nested += 1 if event in STARTS else -1 if event in ENDS else 0
                if nested == 0:
                    yield key, builder.value
                    builder = None
                continue
            if event == "map_key":
                key = value
            elif event in ENDS:
                open_.pop()
            elif not open_:
                if event in STARTS:
                    open_.append(event)
                else:
                    yield None, value
            elif open_ == ["start_map"] and event == "start_array":
                open_.append(event)  # a member array: its items are the parts
            elif event in STARTS:
                builder, nested = ijson.ObjectBuilder(), 1
                builder.event(event, value)
            else:
                yield (None if open_ == ["start_array"] else key), value
    except (ijson.JSONError, ValueError):
        raise not_json() from None
    finally:
        fileobj.seek(0)


def load(fileobj: IO[bytes], limits: JsonLimits) -> Any:
    """The whole document, after ``check``: for documents whose size the limits make harmless."""
    check(fileobj, limits)
    try:
        return json.loads(fileobj.read().decode("utf-8-sig"), parse_constant=_no_constants)
    except (ValueError, RecursionError):
        raise not_json() from None
    finally:
        fileobj.seek(0)


def loads(data: bytes, limits: JsonLimits) -> Any:
    return load(io.BytesIO(data), limits)


def _no_constants(name):
    raise ValueError(name)


def _too_long(limits: JsonLimits) -> ImportFileError:
    return ImportFileError(_("The JSON has a text longer than {limit} characters.").format(limit=limits.string_chars))


def _check_utf8(fileobj: IO[bytes]) -> None:
    fileobj.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := fileobj.read(CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise ImportFileError(_("The file is not UTF-8 text. Save it as UTF-8 JSON and try again.")) from None
    finally:
        fileobj.seek(0)


def _after_bom(fileobj: IO[bytes]) -> IO[bytes]:
    fileobj.seek(0)
    if fileobj.read(len(BOM)) != BOM:
        fileobj.seek(0)
    return fileobj
