"""Catalog exchange as RDF (W3C DCAT, DCAT-AP): one dataset in the shape of a DCAT-US ``data.json`` entry (the
catalog's inner form, see ``dcat``) to triples and back, and reading Turtle and RDF/XML within limits.

The mapping follows the Project Open Data v1.1 JSON-LD context (data.json is DCAT with plain keys): ``keyword`` is
``dcat:keyword``, ``contactPoint`` a ``vcard:Contact``, ``accessLevel``/``bureauCode``/``programCode`` are the
``pod:`` terms. Where DCAT-AP asks for a vocabulary (frequency, access rights, media type) the EU or IANA IRI is
written when the value has one and read back to the same data.json value. Keys no term covers travel as one JSON
literal (``govcio:extraMetadata``), so nothing is lost on the way.
"""

import json
import re
from collections.abc import Iterator

from django.conf import settings
from django.utils.translation import gettext as _
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, XSD

from . import dcat_mapping as m

DCAT = Namespace(m.DCAT)
DCT = Namespace(m.DCT)
FOAF = Namespace(m.FOAF)
VCARD = Namespace(m.VCARD)
GOV = Namespace(m.GOVCIO)
POD = Namespace("https://project-open-data.cio.gov/v1.1/schema#")
ORG = Namespace("http://www.w3.org/ns/org#")
BINDINGS = {
    "rdf": RDF,
    "dcat": DCAT,
    "dct": DCT,
    "foaf": FOAF,
    "vcard": VCARD,
    "govcio": GOV,
    "pod": POD,
    "org": ORG,
    "xsd": XSD,
}

# data.json key → (predicate, kind): "lit" a literal, "iri" an IRI, "lits"/"iris" a list of them.
DATASET_TERMS = {
    "title": (DCT["title"], "lit"),
    "description": (DCT.description, "lit"),
    "identifier": (DCT.identifier, "lit"),
    "keyword": (DCAT.keyword, "lits"),
    "modified": (DCT.modified, "lit"),
    "issued": (DCT.issued, "lit"),
    "temporal": (DCT.temporal, "lit"),
    "spatial": (DCT.spatial, "lit"),
    "license": (DCT.license, "iri"),
    "rights": (DCT.rights, "lit"),
    "landingPage": (DCAT.landingPage, "iri"),
    "bureauCode": (POD.bureauCode, "lits"),
    "programCode": (POD.programCode, "lits"),
    "describedBy": (POD.describedBy, "iri"),
    "describedByType": (POD.describedByType, "lit"),
    "references": (DCT.references, "iris"),
    "conformsTo": (DCT.conformsTo, "iri"),
    "theme": (DCAT.theme, "lits"),
    "language": (DCT.language, "lits"),
    "isPartOf": (DCT.isPartOf, "lit"),
    "dataQuality": (POD.dataQuality, "lit"),
    "systemOfRecords": (POD.systemOfRecords, "iri"),
    "primaryITInvestmentUII": (POD.primaryITInvestmentUII, "lit"),
    "govcio:code": (GOV.code, "lit"),
    "govcio:catalogKind": (GOV.catalogKind, "lit"),
    "govcio:classification": (GOV.classification, "lit"),
    "govcio:sharingType": (GOV.sharingType, "lit"),
    "govcio:sharingConditions": (GOV.sharingConditions, "lit"),
    "govcio:sharingMethod": (GOV.sharingMethod, "lit"),
    "govcio:dataClass": (GOV.dataClass, "lit"),
}
DISTRIBUTION_TERMS = {
    "title": (DCT["title"], "lit"),
    "description": (DCT.description, "lit"),
    "downloadURL": (DCAT.downloadURL, "iri"),
    "accessURL": (DCAT.accessURL, "iri"),
    "format": (DCT["format"], "lit"),
    "conformsTo": (DCT.conformsTo, "iri"),
    "describedBy": (POD.describedBy, "iri"),
    "describedByType": (POD.describedByType, "lit"),
}
HANDLED = {*DATASET_TERMS, "@type", "@id", "publisher", "contactPoint", "distribution", "accessLevel"}
HANDLED |= {"accrualPeriodicity", "govcio:dataItems", "govcio:holdingSystem", "govcio:relatedCodes"}
FREQ_TO_EU = {iso.lower(): eu for eu, iso in m.FREQUENCY.values()}
FREQ_FROM_EU = {m.EU_FREQUENCY + eu: iso for eu, iso in m.FREQUENCY.values()}
ACCESS_TO_EU = {level: eu for eu, level in m.ACCESS.values()}
ACCESS_FROM_EU = {m.EU_ACCESS + eu: level for eu, level in m.ACCESS.values()}


class RdfError(Exception):
    """The file cannot be read as RDF (syntax, a DTD, past a limit)."""


# Out ----------------------------------------------------------------------------------------------------------------
def new_graph() -> Graph:
    graph = Graph(bind_namespaces="none")  # rdflib's default set of ~30 prefixes costs more than a dataset
    for prefix, namespace in BINDINGS.items():
        graph.bind(prefix, namespace, override=True)
    return graph


def _iri(value) -> URIRef | Literal:
    text = str(value)
    return URIRef(text) if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$", text) else Literal(text)


def _put(graph: Graph, node, predicate, kind: str, value) -> None:
    values = value if isinstance(value, list) else [value]
    for v in values:
        if v is None or v == "" or isinstance(v, dict | list):
            continue
        graph.add((node, predicate, _iri(v) if kind.startswith("iri") else Literal(str(v))))


def dataset_graph(graph: Graph, d: dict, subject: str) -> URIRef:
    """Add one data.json-shaped dataset to ``graph`` as DCAT triples."""
    node = URIRef(subject)
    graph.add((node, RDF.type, DCAT.Dataset))
    for key, (predicate, kind) in DATASET_TERMS.items():
        if key in d:
            _put(graph, node, predicate, kind, d[key])
    if isinstance(d.get("publisher"), dict):
        org = BNode()
        graph.add((node, DCT.publisher, org))
        graph.add((org, RDF.type, FOAF.Organization))
        _put(graph, org, FOAF.name, "lit", d["publisher"].get("name"))
        _put(graph, org, GOV.code, "lit", d["publisher"].get("govcio:code"))
    if isinstance(d.get("contactPoint"), dict):
        contact = BNode()
        graph.add((node, DCAT.contactPoint, contact))
        graph.add((contact, RDF.type, VCARD.Kind))
        _put(graph, contact, VCARD.fn, "lit", d["contactPoint"].get("fn"))
        _put(graph, contact, VCARD.hasEmail, "iri", d["contactPoint"].get("hasEmail"))
    if level := d.get("accessLevel"):
        graph.add((node, POD.accessLevel, Literal(str(level))))
        if str(level) in ACCESS_TO_EU:
            graph.add((node, DCT.accessRights, URIRef(m.EU_ACCESS + ACCESS_TO_EU[str(level)])))
    if freq := d.get("accrualPeriodicity"):
        eu = FREQ_TO_EU.get(str(freq).lower())
        graph.add((node, DCT.accrualPeriodicity, URIRef(m.EU_FREQUENCY + eu) if eu else _iri(freq)))
    for dist in d.get("distribution") or []:
        if isinstance(dist, dict):
            graph.add((node, DCAT.distribution, _distribution(graph, dist)))
    items = [BNode() for _item in d.get("govcio:dataItems") or []]
    for bnode, item in zip(items, d.get("govcio:dataItems") or [], strict=True):
        _put(graph, bnode, GOV.name, "lit", item.get("name"))
        _put(graph, bnode, GOV.dataType, "lit", item.get("type"))
    if items:
        head = BNode()
        Collection(graph, head, items)
        graph.add((node, GOV.dataItems, head))
    if isinstance(d.get("govcio:holdingSystem"), dict):
        holder = BNode()
        graph.add((node, GOV.holdingSystem, holder))
        _put(graph, holder, DCT.identifier, "lit", d["govcio:holdingSystem"].get("code"))
        _put(graph, holder, DCT["title"], "lit", d["govcio:holdingSystem"].get("name"))
    for code in d.get("govcio:relatedCodes") or []:
        graph.add((node, DCT.relation, URIRef(m.URN_RESOURCE + str(code))))
    rest = {k: v for k, v in d.items() if k not in HANDLED}
    if rest:
        graph.add((node, GOV.extraMetadata, Literal(json.dumps(rest, ensure_ascii=False, sort_keys=True))))
    return node


def _distribution(graph: Graph, dist: dict) -> BNode:
    node = BNode()
    graph.add((node, RDF.type, DCAT.Distribution))
    for key, (predicate, kind) in DISTRIBUTION_TERMS.items():
        if key in dist:
            _put(graph, node, predicate, kind, dist[key])
    if media := dist.get("mediaType"):
        graph.add((node, DCAT.mediaType, URIRef(m.IANA + str(media))))
    rest = {k: v for k, v in dist.items() if k not in {*DISTRIBUTION_TERMS, "mediaType", "@type"}}
    if rest:
        graph.add((node, GOV.extraMetadata, Literal(json.dumps(rest, ensure_ascii=False, sort_keys=True))))
    return node


# In ----------------------------------------------------------------------------------------------------------------
class _Counted(Graph):
    """A graph that refuses to grow past the triple limit while the parser fills it."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit, self.count = limit, 0

    def add(self, triple):
        self.count += 1
        if self.count > self.limit:
            raise RdfError(_("The file holds more than {limit} statements (triples).").format(limit=self.limit))
        return super().add(triple)


def triple_limit() -> int:
    return settings.GOVCIO_RDF_MAX_TRIPLES


def parse(data: bytes, fmt: str) -> Graph:
    """Turtle ("turtle") or RDF/XML ("xml"); a DTD (entities, external references) is refused before parsing, and
    nothing is fetched from the network."""
    if fmt == "xml" and re.search(rb"<!\s*(DOCTYPE|ENTITY)", data, re.IGNORECASE):
        raise RdfError(_("The RDF/XML file declares a DTD or entities, which are not accepted."))
    graph = _Counted(triple_limit())
    try:
        graph.parse(data=data.decode("utf-8"), format=fmt, publicID="urn:govcio:import:")
    except RdfError:
        raise
    except UnicodeDecodeError:
        raise RdfError(_("The file is not UTF-8 text.")) from None
    except Exception as exc:  # rdflib raises many kinds (syntax, SAX, bad IRIs); all are the file's fault
        message = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
        raise RdfError(_("The file is not valid {format}: {error}").format(format=fmt.upper(), error=message)) from None
    return graph


def _text(term) -> str:
    return str(term)


def _one(graph: Graph, node, predicate, kind: str):
    values = sorted(
        graph.objects(node, predicate),
        key=lambda v: (not str(getattr(v, "language", "") or "").startswith("zh"), str(v)),
    )
    if kind in ("lits", "iris"):
        return [_text(v) for v in values] if values else None
    return _text(values[0]) if values else None


def datasets(graph: Graph) -> Iterator[dict]:
    """Each ``dcat:Dataset`` of the graph as a data.json entry; node references (publisher, contact, distribution
    given as IRIs described elsewhere in the file) are followed, since the graph holds them all."""
    for node in sorted(set(graph.subjects(RDF.type, DCAT.Dataset)), key=str):
        yield dataset_dict(graph, node)


def dataset_dict(graph: Graph, node) -> dict:
    d: dict = {}
    for key, (predicate, kind) in DATASET_TERMS.items():
        value = _one(graph, node, predicate, kind)
        if value is not None:
            d[key] = value
    if not d.get("identifier") and isinstance(node, URIRef) and not str(node).startswith("urn:govcio:import:"):
        d["identifier"] = str(node)  # DCAT-AP identifies a dataset by its IRI; dct:identifier is optional
    if (org := graph.value(node, DCT.publisher)) is not None:
        name = graph.value(org, FOAF.name) or graph.value(org, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"))
        d["publisher"] = {"@type": "org:Organization", "name": _text(name) if name is not None else _text(org)}
        if (code := graph.value(org, GOV.code)) is not None:
            d["publisher"]["govcio:code"] = _text(code)
    if (contact := graph.value(node, DCAT.contactPoint)) is not None:
        d["contactPoint"] = {"@type": "vcard:Contact"}
        for key, predicate in (("fn", VCARD.fn), ("hasEmail", VCARD.hasEmail)):
            if (value := graph.value(contact, predicate)) is not None:
                d["contactPoint"][key] = _text(value)
    level = graph.value(node, POD.accessLevel)
    rights = graph.value(node, DCT.accessRights)
    if level is not None or rights is not None:
        d["accessLevel"] = _text(level) if level is not None else ACCESS_FROM_EU.get(str(rights), _text(rights))
    if (freq := graph.value(node, DCT.accrualPeriodicity)) is not None:
        d["accrualPeriodicity"] = FREQ_FROM_EU.get(str(freq), _text(freq))
    dists = sorted(graph.objects(node, DCAT.distribution), key=lambda n: _distribution_key(graph, n))
    if dists:
        d["distribution"] = [_distribution_dict(graph, dist) for dist in dists]
    if (head := graph.value(node, GOV.dataItems)) is not None:
        d["govcio:dataItems"] = [
            {"name": _text(graph.value(item, GOV.name) or ""), "type": _text(graph.value(item, GOV.dataType) or "")}
            for item in Collection(graph, head)
        ]
    if (holder := graph.value(node, GOV.holdingSystem)) is not None:
        d["govcio:holdingSystem"] = {"code": _text(graph.value(holder, DCT.identifier) or "")}
    related = sorted(_text(v).removeprefix(m.URN_RESOURCE) for v in graph.objects(node, DCT.relation))
    if related:
        d["govcio:relatedCodes"] = related
    _rest(graph, node, d)
    return d


def _distribution_key(graph: Graph, node) -> tuple:
    """RDF keeps no order among a dataset's distributions: they are read in the order of their addresses."""
    return tuple(str(graph.value(node, p) or "") for p in (DCAT.downloadURL, DCAT.accessURL, DCT["title"]))


def _distribution_dict(graph: Graph, node) -> dict:
    d: dict = {"@type": "dcat:Distribution"}
    for key, (predicate, kind) in DISTRIBUTION_TERMS.items():
        value = _one(graph, node, predicate, kind)
        if value is not None:
            d[key] = value
    if (media := graph.value(node, DCAT.mediaType)) is not None:
        d["mediaType"] = _text(media).removeprefix(m.IANA)
    _rest(graph, node, d, known={DCAT.mediaType, RDF.type, *(p for p, _k in DISTRIBUTION_TERMS.values())})
    return d


KNOWN_DATASET = {p for p, _k in DATASET_TERMS.values()} | {RDF.type, DCT.publisher, DCAT.contactPoint, POD.accessLevel}
KNOWN_DATASET |= {DCT.accessRights, DCT.accrualPeriodicity, DCAT.distribution, GOV.dataItems, GOV.holdingSystem}
KNOWN_DATASET |= {DCT.relation}


def _rest(graph: Graph, node, d: dict, known=KNOWN_DATASET) -> None:
    """The extra metadata literal back into its keys, and any other property kept under its short name."""
    for predicate, value in sorted(graph.predicate_objects(node), key=lambda pv: (str(pv[0]), str(pv[1]))):
        if predicate == GOV.extraMetadata:
            try:
                extra = json.loads(str(value))
            except ValueError:
                extra = None
            if isinstance(extra, dict):
                d.update({k: v for k, v in extra.items() if k not in d})
            continue
        if predicate in known:
            continue
        key = m.short(str(predicate))
        if isinstance(value, BNode):  # a described node: its own statements, one level deep
            value = {m.short(str(p)): _text(o) for p, o in sorted(graph.predicate_objects(value), key=str)}
        d.setdefault(key, [])
        if isinstance(d[key], list):
            d[key].append(_text(value) if not isinstance(value, dict) else value)
    for key, value in list(d.items()):
        if isinstance(value, list) and len(value) == 1 and ":" in key and key not in DATASET_TERMS:
            d[key] = value[0]


# JSON-LD, read part by part by ``dcat_mapping.Expander``: an expanded node becomes a small graph ---------------------
def from_expanded(node: dict, index: dict) -> dict:
    """One expanded dataset node as a data.json entry; ``{"@id": …}`` values described elsewhere in the document
    (``index``: the non-dataset nodes of its ``@graph``) are followed."""
    graph = Graph()
    subject = _add(graph, node, index, depth=0)
    return dataset_dict(graph, subject)


def _add(graph: Graph, node: dict, index: dict, depth: int):
    ident = next(iter(node.get("@id") or []), None)
    subject = URIRef(ident) if isinstance(ident, str) and not ident.startswith("_:") else BNode()
    for kind in node.get("@type") or []:
        graph.add((subject, RDF.type, URIRef(kind)))
    for key, values in node.items():
        if key.startswith("@") or key == "?":
            continue
        if key == str(GOV.dataItems) and not (
            len(values) == 1 and isinstance(values[0], dict) and "@list" in values[0]
        ):
            values = [{"@list": values}]  # the reader unwraps a list into its items, in order
        for value in values:
            term = _term(graph, value, index, depth)
            if term is not None:
                graph.add((subject, URIRef(key), term))
    return subject


def _term(graph: Graph, value, index: dict, depth: int):
    if isinstance(value, dict) and "@value" in value:
        inner = value["@value"]
        return None if inner is None else Literal(str(inner), lang=value.get("@language") or None)
    if isinstance(value, dict) and set(value) == {"@id"}:
        target = index.get(value["@id"])
        if target is not None and depth < 4:
            return _add(graph, target, index, depth + 1)
        return URIRef(str(value["@id"]))
    if isinstance(value, dict) and "@list" in value:
        items = [t for t in (_term(graph, v, index, depth) for v in value["@list"]) if t is not None]
        head = BNode()
        Collection(graph, head, items)
        return head
    if isinstance(value, dict):
        return _add(graph, value, index, depth + 1) if depth < 8 else None
    if value is None or isinstance(value, list):
        return None
    return Literal(str(value).lower() if isinstance(value, bool) else str(value))
