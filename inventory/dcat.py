"""Catalog exchange: the data resource catalog (政务信息资源目录, 2017 guide) out as W3C DCAT-AP JSON-LD or DCAT-US
``data.json`` (Project Open Data v1.1), and either format back in with a mapping report per dataset.

Export streams one dataset at a time, so a province catalog never sits in memory. Import first walks the file as a
stream within the JSON limits (core.io.jsonlimits: values, depth, text length; size limited like every import), then
reads it one top-level part (for our own files, one dataset) at a time, maps every dataset and reports what was
mapped, what could not be and why a dataset cannot be imported; only a file whose every dataset is importable is
committed, in one transaction. The tables of the mapping are in ``dcat_mapping``.
"""

import datetime as dt
import json
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, names
from core.choices import AuditAction
from core.io import ImportFileError, jsonlimits
from core.io.sniff import megabytes
from core.tree import subtree_q

from . import choices as c
from . import dcat_mapping as m
from .models import RESOURCE_CODE, DataResource, System, validate_resource

JSONLD, DATAJSON = "jsonld", "datajson"
FORMATS = {
    JSONLD: ("DCAT-AP JSON-LD", "application/ld+json; charset=utf-8", "dcat-ap.jsonld"),
    DATAJSON: ("DCAT-US data.json", "application/json; charset=utf-8", "data.json"),
}
KIND_OF_CLASS = {digit: kind for kind, digit in c.CATALOG_CLASS_DIGIT.items()}


# Export ------------------------------------------------------------------------------------------------------------
def export_queryset(user, unit=None):
    """The resources the user may export, optionally within a unit's subtree (a narrowing, after the gate)."""
    qs = DataResource.objects.restrict(user, "export").select_related("provider", "system__owner_unit")
    qs = qs.prefetch_related("items")
    if unit is not None:
        qs = qs.filter(subtree_q("provider__path", unit.path))
    return qs.order_by("code")


def _items(r) -> list[tuple[str, str]]:
    return [(item.name, item.data_type) for item in r.items.all()]


def dataset_jsonld(r: DataResource, system: System | None) -> dict:
    media, file_type = m.MEDIA[r.format]
    node = {
        "@id": m.URN_RESOURCE + r.code,
        "@type": "dcat:Dataset",
        "dct:identifier": r.code,
        "dct:title": r.name,
        "dct:description": r.abstract,
        "dct:publisher": {
            "@type": "foaf:Organization",
            "foaf:name": r.provider.name,
            "dct:identifier": r.provider.code,
        },
        "dct:accrualPeriodicity": {"@id": m.EU_FREQUENCY + m.FREQUENCY[r.update_cycle][0]},
        "dct:accessRights": {"@id": m.EU_ACCESS + m.ACCESS[r.open_attribute][0]},
        "dcat:distribution": [
            {
                "@type": "dcat:Distribution",
                "dcat:mediaType": {"@id": m.IANA + media},
                "dct:format": {"@id": m.EU_FILE_TYPE + file_type},
            }
        ],
        "govcio:catalogKind": r.kind,
        "govcio:classification": r.classification,
        "govcio:sharingType": r.sharing_type,
        "govcio:sharingConditions": r.sharing_conditions,
        "govcio:sharingMethod": r.sharing_method,
        "govcio:dataClass": r.data_class,
        "govcio:dataItems": [{"govcio:name": name, "govcio:dataType": kind} for name, kind in _items(r)],
    }
    if r.publication_date:
        node["dct:issued"] = {"@value": r.publication_date.isoformat(), "@type": "xsd:date"}
    if r.related_codes:
        node["dct:relation"] = [{"@id": m.URN_RESOURCE + code} for code in r.related_code_list()]
    if system is not None:
        node["govcio:holdingSystem"] = {"dct:identifier": system.code, "dct:title": system.name}
    return node


def dataset_datajson(r: DataResource, system: System | None) -> dict:
    media, file_type = m.MEDIA[r.format]
    contact = (system.responsible_person if system is not None else "") or r.provider.name
    node = {
        "@type": "dcat:Dataset",
        "title": r.name,
        "description": r.abstract,
        "keyword": [str(c.CatalogKind(r.kind).label), r.provider.name],
        "modified": timezone.localdate(r.updated_at).isoformat(),
        "publisher": {"@type": "org:Organization", "name": r.provider.name, "govcio:code": r.provider.code},
        # The catalog keeps no e-mail addresses, so hasEmail is left out rather than invented.
        "contactPoint": {"@type": "vcard:Contact", "fn": contact},
        "identifier": r.code,
        "accessLevel": m.ACCESS[r.open_attribute][1],
        "accrualPeriodicity": m.FREQUENCY[r.update_cycle][1],
        "distribution": [{"@type": "dcat:Distribution", "mediaType": media, "format": file_type}],
        "govcio:catalogKind": r.kind,
        "govcio:classification": r.classification,
        "govcio:sharingType": r.sharing_type,
        "govcio:sharingConditions": r.sharing_conditions,
        "govcio:sharingMethod": r.sharing_method,
        "govcio:dataClass": r.data_class,
        "govcio:dataItems": [{"name": name, "type": kind} for name, kind in _items(r)],
    }
    if r.open_attribute != c.OpenAttribute.OPEN:  # required by the schema unless public
        node["rights"] = r.sharing_conditions[:255] or str(c.OpenAttribute(r.open_attribute).label)
    if r.publication_date:
        node["issued"] = r.publication_date.isoformat()
    if r.related_codes:
        node["govcio:relatedCodes"] = r.related_code_list()
    if system is not None:
        node["govcio:holdingSystem"] = {"code": system.code, "name": system.name}
    return node


def stream(fmt: str, resources, *, user, title: str, publisher) -> Iterator[str]:
    """The document in pieces: the catalog's head, then each dataset, then the closing brackets. A holding system is
    named only when the user may see it (a resource of theirs may live in another department's system)."""
    now = timezone.now().replace(microsecond=0).isoformat()
    if fmt == JSONLD:
        head = {
            "@context": m.JSONLD_CONTEXT,
            "@type": "dcat:Catalog",
            "dct:title": title,
            "dct:modified": {"@value": now, "@type": "xsd:dateTime"},
        }
        if publisher is not None:
            head["dct:publisher"] = {
                "@type": "foaf:Organization",
                "foaf:name": publisher.name,
                "dct:identifier": publisher.code,
            }
        key, build = "dcat:dataset", dataset_jsonld
    else:
        head = {
            "@context": m.POD_CONTEXT,
            "@type": "dcat:Catalog",
            "conformsTo": m.POD_SCHEMA,
            "describedBy": m.POD_DESCRIBED_BY,
        }
        key, build = "dataset", dataset_datajson
    opening = json.dumps(head, ensure_ascii=False, indent=1)
    yield opening[: opening.rindex("}")].rstrip() + f',\n "{key}": ['
    for number, resource in enumerate(resources.iterator(chunk_size=500)):
        system = resource.system if names.can_see(user, resource.system) else None  # named where visible only
        yield ("," if number else "") + "\n  " + json.dumps(build(resource, system), ensure_ascii=False)
    yield "\n ]\n}\n"


def record_export(*, actor, fmt: str, unit, rows: int) -> None:
    audit.append(
        audit.Entry(
            action=AuditAction.EXPORT,
            actor=actor,
            object_type=DataResource._meta.label_lower,
            unit_path=unit.path if unit else getattr(getattr(actor, "unit", None), "path", ""),
            event="catalog.dcat_exported",
            changes={"format": fmt, "unit": unit.code if unit else "", "rows": rows},
        )
    )


# Import: reading the file -------------------------------------------------------------------------------------------
class DcatError(Exception):
    """The file as a whole cannot be read: too large, not JSON, past a limit, or not a catalog."""


def _check(fileobj) -> jsonlimits.Outline:
    """Size, encoding and the JSON limits (values, depth, text length), in one streaming walk that builds nothing
    but the top level's outline: a hostile file is refused before it costs memory."""
    limit = getattr(settings, "GOVCIO_IMPORT_MAX_BYTES", 50 * 1024 * 1024)
    fileobj.seek(0, os.SEEK_END)
    size = fileobj.tell()
    fileobj.seek(0)
    if not size:
        raise DcatError(_("The file is empty."))
    if size > limit:
        raise DcatError(
            _("The file is larger than {limit} MB. Please split it into smaller files.").format(limit=megabytes(limit))
        )
    try:
        return jsonlimits.check(fileobj, jsonlimits.json_limits())
    except ImportFileError as exc:
        raise DcatError(exc.message) from None


def read_json(fileobj) -> object:
    """The whole document, within the limits (for a catalog that is one dataset)."""
    _check(fileobj)
    try:
        return jsonlimits.load(fileobj, jsonlimits.json_limits())
    except ImportFileError as exc:
        raise DcatError(exc.message) from None


def _parts(fileobj) -> Iterator[tuple[str | None, object]]:
    try:
        yield from jsonlimits.parts(fileobj)
    except ImportFileError as exc:
        raise DcatError(exc.message) from None


def _jsonld_raws(fileobj, outline: jsonlimits.Outline) -> list[m.Raw]:
    """The datasets of a JSON-LD document, its top-level parts expanded and walked one at a time."""
    if outline.kind == "array":
        expander = m.Expander(None)
        return [raw for _key, part in _parts(fileobj) for raw in m.jsonld_part(expander, part)]
    expander = m.Expander(outline.kept.get("@context"))
    if "@graph" in outline.members:
        return [raw for key, part in _parts(fileobj) if key == "@graph" for raw in m.jsonld_part(expander, part)]
    if m.is_dataset(expander, outline.kept.get("@type")):
        # The document is one dataset, read whole: it is one part, and held to a part's limit.
        limit = jsonlimits.json_limits().part_values
        if outline.values > limit:
            message = _("One part of the JSON (a dataset, an item of a list) holds more than {limit} values.")
            raise DcatError(message.format(limit=limit))
        return m.jsonld_datasets(read_json(fileobj))
    raws = []
    for key, part in _parts(fileobj):
        if key not in ("@context", "@type") and expander.iri(key) is not None:
            raws += m.jsonld_part(expander, part, as_node=False)
    return raws


@dataclass
class DatasetReport:
    number: int
    identifier: str
    title: str
    row: dict = field(default_factory=dict)
    mapped: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class ImportPlan:
    format: str
    datasets: list[DatasetReport]

    @property
    def ok(self) -> bool:
        return bool(self.datasets) and all(d.ok for d in self.datasets)

    @property
    def blocked(self) -> int:
        return sum(not d.ok for d in self.datasets)


def parse(fileobj, *, user) -> ImportPlan:
    """Read a DCAT-AP JSON-LD or a data.json file and map every dataset; raises DcatError for the file as a whole.
    The file is walked once within the limits, then read one dataset (one top-level part) at a time."""
    outline = _check(fileobj)
    members = outline.members
    if outline.kind == "object" and members.get("dataset") == "array" and "dcat:dataset" not in members:
        fmt = DATAJSON
        raws = [m.datajson_raw(obj) for key, obj in _parts(fileobj) if key == "dataset" and isinstance(obj, dict)]
    elif outline.kind in ("object", "array"):
        fmt, raws = JSONLD, _jsonld_raws(fileobj, outline)
    else:
        raws = []
    if not raws:
        raise DcatError(_("No datasets found: the file is neither a DCAT-AP JSON-LD catalog nor a data.json file."))
    return ImportPlan(fmt, map_datasets(raws, user=user))


# Import: mapping ----------------------------------------------------------------------------------------------------
def label(name: str) -> str:
    return str(DataResource._meta.get_field(name).verbose_name) if name != "items" else _("data items")


def _chunks(values, size: int = 5000) -> Iterator[list]:
    """Distinct non-empty values in lists short enough for every database's limit on query parameters."""
    distinct = sorted({v for v in values if v})
    for start in range(0, len(distinct), size):
        yield distinct[start : start + size]


def map_datasets(raws: list[m.Raw], *, user) -> list[DatasetReport]:
    codes = [raw.identifier.strip() for raw in raws]
    # Codes are unique across the whole catalog, so taken codes are looked up everywhere; only the fact is used.
    existing = {
        code
        for chunk in _chunks(codes)
        for code in DataResource.objects.filter(code__in=chunk).values_list("code", flat=True)
    }
    visible = System.objects.restrict(user, "view")
    systems = {s.code: s for chunk in _chunks([raw.system for raw in raws]) for s in visible.filter(code__in=chunk)}
    twice = {code for code, n in Counter(codes).items() if code and n > 1}
    return [_map(number, raw, existing, twice, systems) for number, raw in enumerate(raws, start=1)]


def _vocab(report: DatasetReport, name: str, value: str, lookup, default):
    """A field from a vocabulary: the match when there is one; otherwise the default, and the miss reported."""
    if not value:
        return default
    found = lookup(value)
    if found:
        report.mapped.append(label(name))
        return found
    message = _("{field}: no match for “{value}”; “{default}” is used.")
    report.unmapped.append(message.format(field=label(name), value=value, default=default.label))
    return default


def _identify(report: DatasetReport, raw: m.Raw, existing: set, twice: set):
    """The catalog code (required, ours in form, new) and the kind its class digit implies."""
    code = report.identifier
    match = RESOURCE_CODE.match(code)
    if not code:
        report.problems.append(_("No identifier: each dataset needs a catalog code such as 301001/000001."))
    elif not match:
        message = _("The identifier “{code}” is not a catalog code (classification/6-digit number).")
        report.problems.append(message.format(code=code))
    elif code in twice:
        report.problems.append(_("The identifier {code} appears more than once in the file.").format(code=code))
    elif code in existing:
        report.problems.append(_("The code {code} is already in the catalog.").format(code=code))
    kind = KIND_OF_CLASS.get(match["cls"]) if match else None
    if match and kind is None:
        report.problems.append(_("The class digit of {code} must be 1, 2 or 3.").format(code=code))
    stated = raw.ext.get("kind")
    if kind and stated and stated != kind:
        message = _("The catalog kind “{kind}” does not match the class digit of {code}.")
        report.problems.append(message.format(kind=stated, code=code))
    if not report.title:
        report.problems.append(_("No title."))
    elif len(report.title) > 200:
        report.problems.append(_("The title is longer than 200 characters."))
    return match, kind


def _date(report: DatasetReport, value: str):
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        message = _("{field}: “{value}” is not a date.")
        report.unmapped.append(message.format(field=label("publication_date"), value=value))
        return None
    report.mapped.append(label("publication_date"))
    return day


def _related(report: DatasetReport, values: list[str]) -> str:
    codes = [x for x in (v.strip() for v in values) if x]
    good = [x for x in codes if RESOURCE_CODE.match(x)]
    for bad in (x for x in codes if x not in good):
        message = _("{field}: “{value}” is not a catalog code.")
        report.unmapped.append(message.format(field=label("related_codes"), value=bad))
    joined = ", ".join(good)
    if len(joined) > 500:
        report.problems.append(_("The related resource codes are longer than 500 characters."))
    elif good:
        report.mapped.append(label("related_codes"))
    return joined


def _system(report: DatasetReport, code: str, systems: dict):
    if not code:
        return None
    found = systems.get(code)
    if found is None:
        message = _("{field}: no system {code} in your units; left empty.")
        report.unmapped.append(message.format(field=label("system"), code=code))
    else:
        report.mapped.append(label("system"))
    return found


EXTENSION_DEFAULTS = {
    "sharing_type": c.SharingType.UNCONDITIONAL,
    "sharing_method": c.SharingMethod.PLATFORM,
    "data_class": c.DataClass.GENERAL,
}


def _map(number: int, raw: m.Raw, existing: set, twice: set, systems: dict) -> DatasetReport:
    report = DatasetReport(number, raw.identifier.strip(), raw.title.strip(), ignored=sorted(set(raw.ignored)))
    report.unmapped += [_("Unknown property {name}").format(name=key) for key in sorted(set(raw.unknown))]
    match, kind = _identify(report, raw, existing, twice)
    parts = match.group("cls", "item", "category", "detail") if match else ("", "", "", "")
    row = dict(zip(("class_code", "item_code", "category_code", "detail_code"), parts, strict=True))
    row.update(kind=kind or c.CatalogKind.DEPARTMENTAL, code=report.identifier, name=report.title)
    row["abstract"] = raw.description.strip()
    report.mapped += [label("code"), label("kind"), label("name")] + ([label("abstract")] if row["abstract"] else [])
    if raw.publisher:
        message = _("{field}: “{value}” becomes the unit you chose")
        report.mapped.append(message.format(field=label("provider"), value=raw.publisher))
    media = ", ".join(raw.media)
    first_media = lambda _value: next(filter(None, map(m.media_in, raw.media)), None)  # noqa: E731
    row["format"] = _vocab(report, "format", media, first_media, c.ResourceFormat.DATABASE)
    row["update_cycle"] = _vocab(report, "update_cycle", raw.frequency, m.frequency_in, c.UpdateCycle.IRREGULAR)
    row["open_attribute"] = _vocab(report, "open_attribute", raw.access, m.access_in, c.OpenAttribute.NOT_OPEN)
    for name, default in EXTENSION_DEFAULTS.items():
        known = m.EXTENSION_CHOICES[name].values
        row[name] = _vocab(report, name, raw.ext.get(name), lambda v, known=known: v if v in known else None, default)
    row["sharing_conditions"] = raw.ext.get("sharing_conditions", "").strip()
    if row["sharing_conditions"]:
        report.mapped.append(label("sharing_conditions"))
    row["publication_date"] = _date(report, raw.issued)
    row["related_codes"] = _related(report, raw.related)
    row["system"] = _system(report, raw.system, systems)
    row["items"] = _map_items(report, raw.items)
    if row["items"]:
        report.mapped.append(label("items"))
    if match and kind:
        fields = {key: value for key, value in row.items() if key != "items"}
        report.problems += [str(message) for message in validate_resource(DataResource(**fields)).values()]
    report.row = row
    return report


def _map_items(report: DatasetReport, items) -> list[tuple[str, str]]:
    result = []
    for name, kind in items:
        name = str(name or "").strip()
        if not name:
            report.unmapped.append(_("A data item without a name was left out."))
        elif len(name) > 100:
            message = _("The data item name “{name}” is longer than 100 characters.")
            report.problems.append(message.format(name=name[:20]))
        else:
            if kind not in c.DataType.values:
                message = _("Data item {name}: type “{kind}” unknown; text is used.")
                report.unmapped.append(message.format(name=name, kind=kind))
                kind = c.DataType.STRING
            result.append((name, kind))
    return result
