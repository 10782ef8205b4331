"""Catalog export as RDF: DCAT-AP in JSON-LD, Turtle or RDF/XML, written one dataset at a time (each dataset is a
small graph serialized by rdflib, its pieces joined under one header), so a province catalog never sits in memory
as one graph."""

import json
import re
from collections.abc import Iterable, Iterator

from django.utils import timezone
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from . import dcat_mapping as m
from . import dcat_rdf as r

CATALOG = URIRef("urn:govcio:catalog")
CONTEXT = {prefix: str(ns) for prefix, ns in r.BINDINGS.items()}


def _subject(d: dict) -> str:
    return m.URN_RESOURCE + str(d.get("govcio:code") or d.get("identifier"))


def _catalog(graph, title: str, publisher, subjects: list[str]) -> None:
    graph.add((CATALOG, RDF.type, r.DCAT.Catalog))
    graph.add((CATALOG, r.DCT["title"], Literal(title)))
    graph.add(
        (CATALOG, r.DCT.modified, Literal(timezone.now().replace(microsecond=0).isoformat(), datatype=XSD.dateTime))
    )
    if publisher is not None:
        org = URIRef(f"urn:govcio:unit:{publisher.code}")
        graph.add((CATALOG, r.DCT.publisher, org))
        graph.add((org, RDF.type, r.FOAF.Organization))
        graph.add((org, r.FOAF.name, Literal(publisher.name)))
        graph.add((org, r.GOV.code, Literal(publisher.code)))
    for subject in subjects:
        graph.add((CATALOG, r.DCAT.dataset, URIRef(subject)))


def stream(fmt: str, datasets: Iterable[dict], *, title: str, publisher) -> Iterator[str]:
    subjects: list[str] = []
    write = {"jsonld": _jsonld, "ttl": _turtle, "rdfxml": _xml}[fmt]
    yield write("head", None)
    for number, d in enumerate(datasets):
        graph = r.new_graph()
        subjects.append(_subject(d))
        r.dataset_graph(graph, d, subjects[-1])
        yield write("item" if number else "first", graph)
    graph = r.new_graph()
    _catalog(graph, title, publisher, subjects)
    yield write("item" if subjects else "first", graph)
    yield write("end", None)


def _jsonld(part: str, graph) -> str:
    if part == "head":
        return '{\n "@context": ' + json.dumps(CONTEXT) + ',\n "@graph": ['
    if part == "end":
        return "\n ]\n}\n"
    doc = json.loads(graph.serialize(format="json-ld", context=CONTEXT, auto_compact=True))
    nodes = doc.get("@graph", [doc])
    nodes = [{k: v for k, v in n.items() if k != "@context"} for n in _embed(nodes)]
    return ("," if part == "item" else "") + "\n  " + ",\n  ".join(json.dumps(n, ensure_ascii=False) for n in nodes)


def _embed(nodes: list[dict]) -> list[dict]:
    """Blank nodes (publisher, contact, distributions, data items) written inside the node that refers to them."""
    blanks = {n["@id"]: n for n in nodes if str(n.get("@id", "")).startswith("_:")}

    def inline(value):
        if isinstance(value, list):
            return [inline(v) for v in value]
        if isinstance(value, dict):
            if set(value) == {"@id"} and value["@id"] in blanks:
                node = blanks[value["@id"]]
                return inline({k: v for k, v in node.items() if k != "@id"})
            return {k: inline(v) for k, v in value.items()}
        return value

    return [inline(n) for n in nodes if n.get("@id") not in blanks]


def _turtle(part: str, graph) -> str:
    if part == "head":
        return "".join(f"@prefix {prefix}: <{ns}> .\n" for prefix, ns in r.BINDINGS.items()) + "\n"
    if part == "end":
        return ""
    text = graph.serialize(format="turtle")
    return "\n".join(line for line in text.splitlines() if not line.startswith("@prefix")).strip() + "\n\n"


def _xml(part: str, graph) -> str:
    if part == "head":
        names = "".join(f'\n  xmlns:{prefix}="{ns}"' for prefix, ns in r.BINDINGS.items())
        return f'<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF{names}\n>\n'
    if part == "end":
        return "</rdf:RDF>\n"
    text = graph.serialize(format="xml")
    body = re.sub(r"^.*?<rdf:RDF[^>]*>", "", text, count=1, flags=re.S)
    return body.rsplit("</rdf:RDF>", 1)[0]
