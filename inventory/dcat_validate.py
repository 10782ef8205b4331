"""Checking an export against the published rules: data.json against the DCAT-US 1.1 JSON Schema (jsonschema),
the RDF formats against the DCAT-AP SHACL shapes (pyshacl). The files, their source and version are in
``inventory/data/dcat`` (README there)."""

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _

HERE = Path(__file__).resolve().parent / "data" / "dcat"
SCHEMA = "DCAT-US 1.1 JSON Schema (non-federal)"
SHAPES = "DCAT-AP 2.1.1 SHACL shapes (transcribed subset)"
SHOWN = 100  # problems listed; the count covers all


@dataclass
class Validation:
    against: str
    problems: list[str] = field(default_factory=list)
    count: int = 0

    @property
    def ok(self) -> bool:
        return self.count == 0

    def add(self, message: str) -> None:
        self.count += 1
        if len(self.problems) < SHOWN:
            self.problems.append(message)


@cache
def _schema_validator():
    from jsonschema import Draft4Validator
    from referencing import Registry
    from referencing.jsonschema import DRAFT4

    catalog = json.loads((HERE / "catalog.json").read_text(encoding="utf-8"))
    dataset = json.loads((HERE / "dataset-non-federal.json").read_text(encoding="utf-8"))
    registry = Registry().with_resources(
        [(doc["id"].rstrip("#"), DRAFT4.create_resource(doc)) for doc in (catalog, dataset)]
    )
    return Draft4Validator(catalog, registry=registry)


@cache
def _shapes():
    from rdflib import Graph

    return Graph().parse(HERE / "dcat-ap-2.1.1-shapes-subset.ttl", format="turtle")


def validate(fmt: str, data: bytes) -> Validation:
    if fmt == "datajson":
        return validate_datajson(json.loads(data))
    return validate_rdf(fmt, data)


def validate_datajson(doc: dict) -> Validation:
    result = Validation(SCHEMA)
    datasets = doc.get("dataset") if isinstance(doc, dict) else None
    for error in sorted(_schema_validator().iter_errors(doc), key=lambda e: list(map(str, e.absolute_path))):
        path = list(error.absolute_path)
        where = _("catalog")
        if len(path) >= 2 and path[0] == "dataset" and isinstance(path[1], int) and isinstance(datasets, list):
            entry = datasets[path[1]] if path[1] < len(datasets) and isinstance(datasets[path[1]], dict) else {}
            message = _("dataset {number} ({identifier})")
            where = message.format(number=path[1] + 1, identifier=entry.get("identifier", "—"))
            path = path[2:]
        field_path = ".".join(str(p) for p in path) or "—"
        result.add(f"{where}: {field_path}: {error.message[:300]}")
    return result


def validate_rdf(fmt: str, data: bytes) -> Validation:
    from pyshacl import validate as shacl
    from rdflib import Graph
    from rdflib.namespace import SH

    syntax = {"jsonld": "json-ld", "ttl": "turtle", "rdfxml": "xml"}[fmt]
    graph = Graph().parse(data=data.decode("utf-8"), format=syntax)
    conforms, report, _text = shacl(graph, shacl_graph=_shapes(), inference="none", advanced=False, meta_shacl=False)
    result = Validation(SHAPES)
    if conforms:
        return result
    rows = []
    for node in report.subjects(predicate=SH.resultSeverity):
        path = report.value(node, SH.resultPath)
        message = report.value(node, SH.resultMessage)
        rows.append(f"{_where(graph, report.value(node, SH.focusNode))}: {_short(path)}: {message}")
    for row in sorted(rows):
        result.add(row)
    return result


def _where(graph, focus) -> str:
    """The dataset a result concerns, by its identifier; a distribution by its dataset."""
    from rdflib import BNode
    from rdflib.namespace import DCAT, DCTERMS

    if focus is None:
        return "—"
    ident = graph.value(focus, DCTERMS.identifier)
    if ident is not None:
        return str(ident)
    owner = graph.value(predicate=DCAT.distribution, object=focus)
    if owner is not None:
        return _("distribution of {dataset}").format(dataset=_where(graph, owner))
    return _("a node") if isinstance(focus, BNode) else str(focus)


def _short(term) -> str:
    from . import dcat_mapping as m

    return m.short(str(term)) if term is not None else "—"
