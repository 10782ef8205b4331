"""The vocabularies of catalog exchange: how our catalog fields (政务信息资源目录, 2017 guide) meet W3C DCAT / DCAT-AP
and DCAT-US (Project Open Data v1.1, ``data.json``). Each table is written once, our code → theirs; the reverse is
derived, plus the other spellings other catalogs use for the same thing.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field

from . import choices as c

DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
GOVCIO = "https://govcio.example/ns#"

PREFIXES = {
    "dcat": DCAT,
    "dct": DCT,
    "dcterms": DCT,
    "foaf": FOAF,
    "vcard": VCARD,
    "xsd": XSD,
    "govcio": GOVCIO,
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "adms": "http://www.w3.org/ns/adms#",
    "org": "http://www.w3.org/ns/org#",
    "schema": "http://schema.org/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "locn": "http://www.w3.org/ns/locn#",
    "prov": "http://www.w3.org/ns/prov#",
}

JSONLD_CONTEXT = {
    "dcat": DCAT,
    "dct": DCT,
    "foaf": FOAF,
    "vcard": VCARD,
    "xsd": XSD,
    "govcio": GOVCIO,
    # Data items keep their order: an RDF list, written as a plain JSON array.
    "govcio:dataItems": {"@container": "@list"},
}

POD_SCHEMA = "https://project-open-data.cio.gov/v1.1/schema"
POD_CONTEXT = "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld"
POD_DESCRIBED_BY = "https://project-open-data.cio.gov/v1.1/schema/catalog.json"

URN_RESOURCE = "urn:govcio:resource:"

# Update cycle → accrual periodicity. DCAT-AP: the EU frequency authority table (ANNUAL_2 is twice a year); DCAT-US:
# ISO 8601 repeating durations from the Project Open Data list, "irregular" as a word.
EU_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
DC_FREQUENCY = "http://purl.org/cld/freq/"
FREQUENCY = {
    c.UpdateCycle.REALTIME: ("UPDATE_CONT", "R/PT1S"),
    c.UpdateCycle.DAILY: ("DAILY", "R/P1D"),
    c.UpdateCycle.WEEKLY: ("WEEKLY", "R/P1W"),
    c.UpdateCycle.MONTHLY: ("MONTHLY", "R/P1M"),
    c.UpdateCycle.QUARTERLY: ("QUARTERLY", "R/P3M"),
    c.UpdateCycle.HALF_YEARLY: ("ANNUAL_2", "R/P6M"),
    c.UpdateCycle.YEARLY: ("ANNUAL", "R/P1Y"),
    c.UpdateCycle.IRREGULAR: ("IRREG", "irregular"),
}
FREQUENCY_IN = {
    **{EU_FREQUENCY + eu: ours for ours, (eu, _iso) in FREQUENCY.items()},
    **{iso.lower(): ours for ours, (_eu, iso) in FREQUENCY.items()},
    EU_FREQUENCY + "CONT": c.UpdateCycle.REALTIME,
    "r/pt0s": c.UpdateCycle.REALTIME,
    **{
        DC_FREQUENCY + name: ours
        for name, ours in (
            ("continuous", c.UpdateCycle.REALTIME),
            ("daily", c.UpdateCycle.DAILY),
            ("weekly", c.UpdateCycle.WEEKLY),
            ("monthly", c.UpdateCycle.MONTHLY),
            ("quarterly", c.UpdateCycle.QUARTERLY),
            ("semiannual", c.UpdateCycle.HALF_YEARLY),
            ("annual", c.UpdateCycle.YEARLY),
            ("irregular", c.UpdateCycle.IRREGULAR),
        )
    },
}


def frequency_in(value: str) -> str | None:
    """Our update cycle for an EU or Dublin Core frequency URI, or an ISO 8601 repeating duration; None if none."""
    value = value.strip()
    return FREQUENCY_IN.get(value) or FREQUENCY_IN.get(value.lower())


# Open attribute (开放属性) → DCAT-AP access rights (EU authority table) and DCAT-US accessLevel.
EU_ACCESS = "http://publications.europa.eu/resource/authority/access-right/"
ACCESS = {
    c.OpenAttribute.OPEN: ("PUBLIC", "public"),
    c.OpenAttribute.CONDITIONAL: ("RESTRICTED", "restricted public"),
    c.OpenAttribute.NOT_OPEN: ("NON_PUBLIC", "non-public"),
}
ACCESS_IN = {
    **{EU_ACCESS + eu: ours for ours, (eu, _level) in ACCESS.items()},
    **{level: ours for ours, (_eu, level) in ACCESS.items()},
}


def access_in(value: str) -> str | None:
    value = value.strip()
    return ACCESS_IN.get(value) or ACCESS_IN.get(value.lower())


# Format (格式) → distribution media type (IANA) and file type (EU authority table). One media type per format, so
# our own exports come back exactly; the broader families other catalogs use are accepted on import.
IANA = "https://www.iana.org/assignments/media-types/"
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
MEDIA = {
    c.ResourceFormat.DATABASE: ("application/sql", "SQL"),
    c.ResourceFormat.SPREADSHEET: ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"),
    c.ResourceFormat.DOCUMENT: ("application/pdf", "PDF"),
    c.ResourceFormat.IMAGE: ("image/png", "PNG"),
    c.ResourceFormat.MEDIA: ("video/mp4", "MP4"),
    c.ResourceFormat.API: ("application/json", "JSON"),
    c.ResourceFormat.OTHER: ("application/octet-stream", "BIN"),
}
MEDIA_IN = {
    **{media: ours for ours, (media, _ft) in MEDIA.items()},
    **{ft.lower(): ours for ours, (_media, ft) in MEDIA.items()},
    "text/csv": c.ResourceFormat.SPREADSHEET,
    "csv": c.ResourceFormat.SPREADSHEET,
    "xls": c.ResourceFormat.SPREADSHEET,
    "application/vnd.ms-excel": c.ResourceFormat.SPREADSHEET,
    "application/msword": c.ResourceFormat.DOCUMENT,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": c.ResourceFormat.DOCUMENT,
    "docx": c.ResourceFormat.DOCUMENT,
    "doc": c.ResourceFormat.DOCUMENT,
    "api": c.ResourceFormat.API,
    "application/xml": c.ResourceFormat.API,
}


def media_in(value: str) -> str | None:
    """Our format for a media type or a file type: plain, an IANA or EU URI, or a family (image/…, video/…)."""
    key = value.strip().lower()
    for prefix in (IANA.lower(), EU_FILE_TYPE.lower()):
        if key.startswith(prefix):
            key = key[len(prefix) :]
    if key in MEDIA_IN:
        return MEDIA_IN[key]
    family = key.split("/", 1)[0]
    return {"image": c.ResourceFormat.IMAGE, "video": c.ResourceFormat.MEDIA, "audio": c.ResourceFormat.MEDIA}.get(
        family
    )


# Our fields with no DCAT counterpart travel as govcio-prefixed properties (the same names in both formats).
EXTENSIONS = {
    "code": "govcio:code",
    "kind": "govcio:catalogKind",
    "classification": "govcio:classification",
    "sharing_type": "govcio:sharingType",
    "sharing_conditions": "govcio:sharingConditions",
    "sharing_method": "govcio:sharingMethod",
    "data_class": "govcio:dataClass",
    "items": "govcio:dataItems",
    "system": "govcio:holdingSystem",
    "related_codes": "govcio:relatedCodes",
}
EXTENSION_CHOICES = {
    "kind": c.CatalogKind,
    "sharing_type": c.SharingType,
    "sharing_method": c.SharingMethod,
    "data_class": c.DataClass,
}

# DCAT-US keys with no column of ours: kept as they are in the resource's extra metadata and written back on export.
KEPT_US = (
    *("keyword", "modified", "contactPoint", "publisher", "bureauCode", "programCode", "license", "rights"),
    *("spatial", "temporal", "theme", "landingPage", "language", "references", "systemOfRecords", "accessLevel"),
    *("primaryITInvestmentUII", "isPartOf", "describedBy", "describedByType", "conformsTo", "dataQuality"),
    *("accrualPeriodicity", "issued", "distribution"),
)


# Reading the files: each dataset's properties, named as the file names them, become one ``Raw`` ----------------------
@dataclass
class Raw:
    """One dataset's values as the file states them, before mapping."""

    identifier: str = ""
    title: str = ""
    description: str = ""
    publisher: str = ""
    issued: str = ""
    frequency: str = ""
    access: str = ""
    media: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    ext: dict = field(default_factory=dict)  # our field name → value, from the govcio properties
    items: list = field(default_factory=list)  # [(name, type)]
    system: str = ""
    unknown: list[str] = field(default_factory=list)  # keys of no DCAT-US field: kept too, and named
    dropped: list[str] = field(default_factory=list)  # keys that could not be read (not kept), named
    extra: dict = field(default_factory=dict)  # every key without a column of ours, as the file states it


def _text(value) -> str:
    """A literal as text: plain, a value object, or the Chinese one among language-tagged alternatives."""
    if isinstance(value, list):
        tagged = [v for v in value if isinstance(v, dict) and str(v.get("@language", "")).lower().startswith("zh")]
        return _text((tagged or value)[0]) if value else ""
    if isinstance(value, dict):
        return _text(value.get("@value", value.get("@id", "")))
    return "" if value is None or isinstance(value, bool) else str(value)


# DCAT-US data.json: plain keys, extensions as "govcio:…" keys. The keys with a column of their own:
OWN_COLUMNS = {"identifier", "title", "description", "@type", "@id"}


def datajson_raw(obj: dict) -> Raw:
    publisher = obj.get("publisher") if isinstance(obj.get("publisher"), dict) else {}
    raw = Raw(
        identifier=_text(obj.get("identifier")),
        title=_text(obj.get("title")),
        description=_text(obj.get("description")),
        publisher=" ".join(x for x in (_text(publisher.get("name")), _text(publisher.get("govcio:code"))) if x),
        issued=_text(obj.get("issued")),
        frequency=_text(obj.get("accrualPeriodicity")),
        access=_text(obj.get("accessLevel")),
    )
    for dist in obj.get("distribution") or []:
        if isinstance(dist, dict):
            raw.media += [_text(dist[key]) for key in ("mediaType", "format") if dist.get(key)]
    _extensions(raw, lambda key: obj.get(key), item=("name", "type"), system=("code",))
    raw.related = [_text(x) for x in _list(obj.get("govcio:relatedCodes"))]
    extension_keys = set(EXTENSIONS.values())
    raw.extra = {k: v for k, v in obj.items() if k not in OWN_COLUMNS and k not in extension_keys}
    raw.unknown = [k for k in raw.extra if k not in KEPT_US]
    return raw


def _list(value) -> list:
    if value is None:
        return []
    if isinstance(value, dict) and "@list" in value:
        return _list(value["@list"])
    return value if isinstance(value, list) else [value]


def _extensions(raw: Raw, get, *, item: tuple[str, str], system: tuple[str]) -> None:
    for name, key in EXTENSIONS.items():
        if name not in ("items", "system", "related_codes", "classification"):
            value = _text(get(key))
            if value:
                raw.ext[name] = value
    for entry in _list(get(EXTENSIONS["items"])):
        if isinstance(entry, dict):
            raw.items.append((_text(entry.get(item[0])), _text(entry.get(item[1]))))
    holder = get(EXTENSIONS["system"])
    raw.system = _text(holder.get(system[0]) if isinstance(holder, dict) else holder).strip()


# DCAT-AP JSON-LD: keys are expanded to IRIs through the document's own @context (prefixes and term definitions;
# remote contexts are never fetched) and the usual prefixes, so "dct:title", "dcterms:title", a full IRI or a term
# the context defines all read the same. This is the part of JSON-LD expansion a catalog needs, not all of it.


class Expander:
    def __init__(self, context):
        self.prefixes = dict(PREFIXES)
        self.terms: dict[str, str] = {}
        self.vocab = ""
        self.load(context)

    def load(self, context) -> None:
        for part in context if isinstance(context, list) else [context]:
            if not isinstance(part, dict):
                continue  # a remote context (a URL) is not fetched
            for key, value in part.items():
                if key == "@vocab" and isinstance(value, str):
                    self.vocab = value
                elif key.startswith("@"):
                    continue
                elif isinstance(value, str):
                    if ":" not in key and value.endswith(("#", "/")):
                        self.prefixes[key] = value
                    self.terms[key] = value
                elif isinstance(value, dict) and isinstance(value.get("@id"), str):
                    self.terms[key] = value["@id"]

    def iri(self, key: str) -> str | None:
        if key.startswith("@"):
            return key
        if key in self.terms:
            key = self.terms[key]
        prefix, colon, rest = key.partition(":")
        if colon and prefix in self.prefixes:
            return self.prefixes[prefix] + rest
        if colon:
            return key  # an absolute IRI (http:…, urn:…)
        return self.vocab + key if self.vocab else None

    def node(self, obj: dict) -> dict:
        """{IRI: [values]}, with "@type" as IRIs and keys that expand to nothing under "?"."""
        if "@context" in obj:
            self.load(obj["@context"])
        out: dict = {"?": []}
        for key, value in obj.items():
            if key == "@context":
                continue
            iri = self.iri(key)
            if iri is None:
                out["?"].append(key)
            elif iri == "@type":
                out["@type"] = [self.iri(t) or t for t in _list(value) if isinstance(t, str)]
            else:
                out[iri] = [self.value(v) for v in _list(value)]
        return out

    def value(self, value):
        if isinstance(value, dict):
            if "@value" in value:
                return value
            if set(value) == {"@id"}:
                return {"@id": self.iri(value["@id"]) or value["@id"]}
            return self.node(value)
        return value


def _walk(value) -> Iterator[dict]:
    if isinstance(value, list):
        for v in value:
            yield from _walk(v)
    elif isinstance(value, dict) and "@value" not in value:
        yield value
        for key, v in value.items():
            if key not in ("@type", "?"):
                yield from _walk(v)


def _datasets_in(expanded, index: dict) -> list[Raw]:
    from .dcat_rdf import from_expanded  # rdflib is loaded only for a catalog exchange

    raws = []
    for node in _walk(expanded):
        if DCAT + "Dataset" in node.get("@type", []):
            raw = datajson_raw(from_expanded(node, index))
            raw.dropped = list(node.get("?", []))
            raws.append(raw)
    return raws


def jsonld_datasets(doc) -> list[Raw]:
    """The datasets of a whole document (the import streams it part by part through ``jsonld_part`` instead)."""
    expander = Expander(doc.get("@context") if isinstance(doc, dict) else None)
    roots = [
        expander.node(x) for x in _list(doc.get("@graph", doc) if isinstance(doc, dict) else doc) if isinstance(x, dict)
    ]
    return _datasets_in(roots, node_index(roots))


def node_index(nodes) -> dict:
    """The described nodes that are not datasets (publishers, contacts, distributions), by their @id."""
    return {
        node["@id"][0]: node
        for node in nodes
        if isinstance(node, dict)
        and node.get("@id")
        and isinstance(node["@id"][0], str)
        and DCAT + "Dataset" not in node.get("@type", [])
    }


def jsonld_part(expander: Expander, part, *, as_node: bool = True, index: dict | None = None) -> list[Raw]:
    """The datasets in one top-level part: an item of the top-level array or of ``@graph`` (``as_node``: only an
    object counts), or a member of the root node, expanded as the root's value would be."""
    expanded = expander.value(part) if not as_node else expander.node(part) if isinstance(part, dict) else None
    return _datasets_in(expanded, index or {})


def is_dataset(expander: Expander, types) -> bool:
    return DCAT + "Dataset" in [expander.iri(t) or t for t in _list(types) if isinstance(t, str)]


def short(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri
