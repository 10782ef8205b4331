"""Catalog exchange: the data resource catalog (政务信息资源目录, 2017 guide) out as DCAT-US ``data.json`` (Project
Open Data v1.1) or DCAT-AP (JSON-LD, Turtle, RDF/XML), and any of them, or an open-data portal's list, back in with a
mapping report per dataset (decision 0020).

Export streams one dataset at a time, so a province catalog never sits in memory. Import of JSON first walks the
file as a stream within the JSON limits (core.io.jsonlimits: values, depth, text length; size limited like every
import), then reads it one top-level part (for our own files, one dataset) at a time; Turtle and RDF/XML are parsed by
rdflib within the size and triple limits (``dcat_rdf``). Every dataset becomes a data.json-shaped entry, mapped by
``dcat_plan`` into a row and a report; a file is committed by ``services.catalog_import``, all or nothing unless the
user chooses to import only the valid datasets. The vocabulary tables are in ``dcat_mapping``.
"""

import datetime as dt
import json
import os
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
from .dcat_plan import DatasetReport, Options, map_datasets
from .models import DataResource, System

JSONLD, DATAJSON, TURTLE, RDFXML, PORTAL = "jsonld", "datajson", "ttl", "rdfxml", "portal"
FORMATS = {
    JSONLD: ("DCAT-AP JSON-LD", "application/ld+json; charset=utf-8", "dcat-ap.jsonld"),
    DATAJSON: ("DCAT-US data.json", "application/json; charset=utf-8", "data.json"),
    TURTLE: ("DCAT-AP Turtle", "text/turtle; charset=utf-8", "dcat-ap.ttl"),
    RDFXML: ("DCAT-AP RDF/XML", "application/rdf+xml; charset=utf-8", "dcat-ap.rdf"),
}


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


def _same(raw, lookup, ours) -> bool:
    return isinstance(raw, str) and bool(raw) and lookup(raw) == ours


def dataset_datajson(r: DataResource, system: System | None) -> dict:
    """A resource as a data.json entry: the DCAT fields kept from its source (extra metadata) as they came, our
    columns where they hold the value (or the user changed it since), our own fields as govcio-prefixed keys."""
    extra = dict(r.extra_metadata) if isinstance(r.extra_metadata, dict) else {}
    media, file_type = m.MEDIA[r.format]
    contact = (system.responsible_person if system is not None else "") or r.provider.name
    node = {"@type": "dcat:Dataset", **extra, "title": r.name, "description": r.abstract}
    node["identifier"] = r.source_identifier or r.code
    node.setdefault("keyword", [str(c.CatalogKind(r.kind).label), r.provider.name])
    if "modified" not in extra and not r.source_identifier:
        node["modified"] = timezone.localdate(r.updated_at).isoformat()  # our own entry: its last change
    node.setdefault("publisher", {"@type": "org:Organization", "name": r.provider.name, "govcio:code": r.provider.code})
    # The catalog keeps no e-mail addresses of its own, so hasEmail is left out rather than invented.
    node.setdefault("contactPoint", {"@type": "vcard:Contact", "fn": contact})
    if not _same(extra.get("accessLevel"), m.access_in, r.open_attribute):
        node["accessLevel"] = m.ACCESS[r.open_attribute][1]
    if r.update_cycle and not _same(extra.get("accrualPeriodicity"), m.frequency_in, r.update_cycle):
        node["accrualPeriodicity"] = m.FREQUENCY[r.update_cycle][1]
    dists = [d for d in extra.get("distribution") or [] if isinstance(d, dict)]
    first = next((found for d in dists for found in map(m.media_in, _media(d)) if found), None)
    if not dists or (first != r.format and not (first is None and r.format == c.ResourceFormat.OTHER)):
        node["distribution"] = [{"@type": "dcat:Distribution", "mediaType": media, "format": file_type}]
    if r.open_attribute != c.OpenAttribute.OPEN and not node.get("rights"):  # required by the schema unless public
        node["rights"] = r.sharing_conditions[:255] or str(c.OpenAttribute(r.open_attribute).label)
    issued = extra.get("issued")
    if r.publication_date and not (isinstance(issued, str) and issued[:10] == r.publication_date.isoformat()):
        node["issued"] = r.publication_date.isoformat()
    elif not r.publication_date and isinstance(issued, str) and _is_date(issued):
        node.pop("issued")  # the user cleared it
    node.update(
        {
            "govcio:code": r.code,
            "govcio:catalogKind": r.kind,
            "govcio:classification": r.classification,
            "govcio:sharingType": r.sharing_type,
            "govcio:sharingConditions": r.sharing_conditions,
            "govcio:sharingMethod": r.sharing_method,
            "govcio:dataClass": r.data_class,
            "govcio:dataItems": [{"name": name, "type": kind} for name, kind in _items(r)],
        }
    )
    if r.related_codes:
        node["govcio:relatedCodes"] = r.related_code_list()
    if system is not None:
        node["govcio:holdingSystem"] = {"code": system.code, "name": system.name}
    return node


def _media(dist: dict) -> list[str]:
    return [str(dist[key]) for key in ("mediaType", "format") if isinstance(dist.get(key), str)]


def _is_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return False
    return True


def stream(fmt: str, resources, *, user, title: str, publisher) -> Iterator[str]:
    """The document in pieces: the catalog's head, then each dataset, then the end. A holding system is named only
    when the user may see it (a resource of theirs may live in another department's system)."""
    datasets = (
        dataset_datajson(r, r.system if names.can_see(user, r.system) else None)
        for r in resources.iterator(chunk_size=500)
    )
    if fmt != DATAJSON:
        from . import dcat_rdf_out

        yield from dcat_rdf_out.stream(fmt, datasets, title=title, publisher=publisher)
        return
    head = {
        "@context": m.POD_CONTEXT,
        "@type": "dcat:Catalog",
        "conformsTo": m.POD_SCHEMA,
        "describedBy": m.POD_DESCRIBED_BY,
    }
    opening = json.dumps(head, ensure_ascii=False, indent=1)
    yield opening[: opening.rindex("}")].rstrip() + ',\n "dataset": ['
    for number, dataset in enumerate(datasets):
        yield ("," if number else "") + "\n  " + json.dumps(dataset, ensure_ascii=False)
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
        # Two walks: the nodes datasets refer to (publishers, contacts, distributions), then the datasets.
        nodes = (expander.node(part) for key, part in _parts(fileobj) if key == "@graph" and isinstance(part, dict))
        index = m.node_index(nodes)
        graph = (part for key, part in _parts(fileobj) if key == "@graph")
        return [raw for part in graph for raw in m.jsonld_part(expander, part, index=index)]
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
class ImportPlan:
    format: str
    datasets: list[DatasetReport]
    options: Options = field(default_factory=Options)

    @property
    def ok(self) -> bool:
        return bool(self.datasets) and all(d.ok for d in self.datasets)

    @property
    def blocked(self) -> int:
        return sum(not d.ok for d in self.datasets)

    @property
    def importable(self) -> int:
        return sum(d.ok for d in self.datasets)


def detect(fileobj, name: str = "") -> str:
    """The format of an uploaded catalog: by its first bytes (JSON, XML), then by its name; Turtle otherwise."""
    head = fileobj.read(4096)
    fileobj.seek(0)
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text[:1] in (b"{", b"["):
        return "json"
    if text[:1] == b"<":
        return RDFXML
    lower = name.lower()
    if lower.endswith((".xlsx", ".xls", ".csv")) or head[:4] == b"PK\x03\x04":
        return PORTAL
    return TURTLE


def parse(fileobj, *, user, fmt: str = "auto", options: Options | None = None, name: str = "") -> ImportPlan:
    """Read a catalog file (data.json, JSON-LD, Turtle, RDF/XML) and map every dataset; raises DcatError for the
    file as a whole. JSON is walked once within the limits, then read one dataset (one top-level part) at a time;
    Turtle and RDF/XML are parsed whole within the size and triple limits."""
    options = options or Options()
    kind = detect(fileobj, name or getattr(fileobj, "name", "")) if fmt in ("auto", "", None) else fmt
    if kind in (TURTLE, RDFXML):
        return ImportPlan(kind, _rdf_datasets(fileobj, kind, user, options), options)
    if kind == PORTAL:
        from . import dcat_portal

        return ImportPlan(PORTAL, dcat_portal.parse(fileobj, user=user, options=options, name=name), options)
    outline = _check(fileobj)
    members = outline.members
    is_datajson = outline.kind == "object" and members.get("dataset") == "array" and "dcat:dataset" not in members
    if kind in ("json", "auto") and not is_datajson and _looks_portal(fileobj, outline):
        from . import dcat_portal

        return ImportPlan(PORTAL, dcat_portal.parse(fileobj, user=user, options=options, name=name), options)
    if is_datajson and kind in ("json", DATAJSON):
        fmt = DATAJSON
        raws = [m.datajson_raw(obj) for key, obj in _parts(fileobj) if key == "dataset" and isinstance(obj, dict)]
    elif outline.kind in ("object", "array") and kind in ("json", JSONLD):
        fmt, raws = JSONLD, _jsonld_raws(fileobj, outline)
    else:
        raws = []
    if not raws:
        raise DcatError(_("No datasets found: the file is neither a DCAT-AP JSON-LD catalog nor a data.json file."))
    return ImportPlan(fmt, map_datasets(raws, user=user, options=options), options)


def _looks_portal(fileobj, outline: jsonlimits.Outline) -> bool:
    """A list of rows (top-level, or under "data") whose first row has the portal's column names."""
    from . import dcat_portal

    if not (outline.kind == "array" or outline.members.get("data") == "array"):
        return False
    for key, part in _parts(fileobj):
        if key in (None, "data"):
            fileobj.seek(0)
            return isinstance(part, dict) and dcat_portal.is_portal_row(part)
    return False


def _rdf_datasets(fileobj, kind: str, user, options: Options) -> list[DatasetReport]:
    from . import dcat_rdf

    limit = getattr(settings, "GOVCIO_IMPORT_MAX_BYTES", 50 * 1024 * 1024)
    data = fileobj.read(limit + 1)
    fileobj.seek(0)
    if not data:
        raise DcatError(_("The file is empty."))
    if len(data) > limit:
        raise DcatError(
            _("The file is larger than {limit} MB. Please split it into smaller files.").format(limit=megabytes(limit))
        )
    try:
        graph = dcat_rdf.parse(data, "xml" if kind == RDFXML else "turtle")
    except dcat_rdf.RdfError as exc:
        raise DcatError(str(exc)) from None
    raws = [m.datajson_raw(d) for d in dcat_rdf.datasets(graph)]
    if not raws:
        raise DcatError(_("No datasets found: the file describes no dcat:Dataset."))
    return map_datasets(raws, user=user, options=options)
