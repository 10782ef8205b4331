"""Catalog import, the mapping: each dataset read from a file (``dcat_mapping.Raw``) becomes a row of our catalog
and a report of what became which field, what was kept as extra metadata, every default applied and value changed,
and why a dataset cannot be imported.

Identifiers: a dataset already imported (the same source identifier) or already ours (its identifier is one of our
codes) is updated, never duplicated. Any other dataset gets a code: the one the user wrote in the mapping table, its
own identifier when that is a catalog code, or the next free code of the chosen classification."""

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Max
from django.utils.translation import gettext as _

from . import choices as c
from . import dcat_mapping as m
from .models import RESOURCE_CODE, DataResource, System, validate_resource

KIND_OF_CLASS = {digit: kind for kind, digit in c.CATALOG_CLASS_DIGIT.items()}
CLASSIFICATION = re.compile(r"^[123]\d{5}\d{0,12}$")
CREATE, UPDATE = "create", "update"


@dataclass
class Options:
    """The user's choices on the form and the report: the classification new codes are drawn from, and the mapping
    table (source identifier → code) as edited."""

    classification: str = ""
    mapping: dict[str, str] = field(default_factory=dict)

    def as_params(self) -> dict:
        return {"classification": self.classification, "mapping": self.mapping}

    @classmethod
    def from_params(cls, params: dict) -> "Options":
        mapping = params.get("mapping") or {}
        return cls(str(params.get("classification") or ""), {str(k): str(v) for k, v in mapping.items()})


def parse_mapping(text: str) -> tuple[dict[str, str], list[str]]:
    """The mapping table as the user edits it: one "source identifier = code" a line; bad lines are named."""
    mapping, errors = {}, []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        source, sep, code = line.rpartition("=")
        if not sep or not source.strip() or not RESOURCE_CODE.match(code.strip()):
            errors.append(_("Line {number}: “{line}” is not “source identifier = catalog code”.").format(
                number=number, line=line.strip()[:80]))  # fmt: skip
            continue
        mapping[source.strip()] = code.strip()
    return mapping, errors


@dataclass
class DatasetReport:
    number: int
    identifier: str
    title: str
    code: str = ""
    action: str = CREATE
    target: int | None = None  # the resource an update changes
    provider: object = None  # a unit the file names and the user may import into; else the unit chosen
    row: dict = field(default_factory=dict)
    mapped: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)  # every default applied and value changed
    dropped: list[str] = field(default_factory=list)  # fields not kept
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def label(name: str) -> str:
    return str(DataResource._meta.get_field(name).verbose_name) if name != "items" else _("data items")


def _chunks(values, size: int = 5000) -> Iterator[list]:
    """Distinct non-empty values in lists short enough for every database's limit on query parameters."""
    distinct = sorted({v for v in values if v})
    for start in range(0, len(distinct), size):
        yield distinct[start : start + size]


class Codes:
    """Targets of the datasets already in the catalog, and new codes handed out once each. Codes are unique across
    the whole catalog, so they are looked up everywhere; only the fact (and whether the user may change the entry)
    is used."""

    def __init__(self, ids: list[str], options: Options, user):
        wanted = ids + list(options.mapping.values())
        self.by_source, self.by_code = {}, {}
        for chunk in _chunks(ids):
            for pk, code, source in DataResource.objects.filter(source_identifier__in=chunk).values_list(
                "pk", "code", "source_identifier"
            ):
                self.by_source.setdefault(source, (pk, code))
        for chunk in _chunks(wanted):
            for pk, code in DataResource.objects.filter(code__in=chunk).values_list("pk", "code"):
                self.by_code[code] = pk
        pks = {pk for pk, _code in self.by_source.values()} | set(self.by_code.values())
        changeable = DataResource.objects.restrict(user, "change")
        self.changeable = {
            pk for chunk in _chunks(pks) for pk in changeable.filter(pk__in=chunk).values_list("pk", flat=True)
        }
        self.used: set[str] = set()
        self.next: dict[str, int] = {}

    def new(self, classification: str) -> str:
        if classification not in self.next:
            last = DataResource.objects.filter(code__startswith=f"{classification}/").aggregate(last=Max("code"))[
                "last"
            ]
            tail = last.rsplit("/", 1)[1] if last else ""
            self.next[classification] = int(tail) + 1 if tail.isdigit() else 1
        while True:
            code = f"{classification}/{self.next[classification]:06d}"
            self.next[classification] += 1
            if code not in self.used and code not in self.by_code:
                self.used.add(code)
                return code


def map_datasets(raws: list[m.Raw], *, user, options: Options | None = None) -> list[DatasetReport]:
    options = options or Options()
    ids = [raw.identifier.strip() for raw in raws]
    codes = Codes(ids, options, user)
    visible = System.objects.restrict(user, "view")
    systems = {s.code: s for chunk in _chunks([raw.system for raw in raws]) for s in visible.filter(code__in=chunk)}
    twice = {code for code, n in Counter(ids).items() if code and n > 1}
    reports = [_map(number, raw, twice, codes, options, systems) for number, raw in enumerate(raws, start=1)]
    return reports


def _identify(report: DatasetReport, twice: set, codes: Codes, options: Options, own: str = "") -> None:
    """The catalog code of the dataset and whether it creates or updates an entry."""
    source = report.identifier
    if not source:
        report.problems.append(_("No identifier: each dataset needs the identifier its catalog gives it."))
        return
    if len(source) > 255:
        report.problems.append(_("The identifier is longer than 255 characters."))
        return
    if source in twice:
        report.problems.append(_("The identifier {code} appears more than once in the file.").format(code=source))
        return
    chosen = options.mapping.get(source, "")
    target = codes.by_source.get(source) or (
        (codes.by_code[source], source) if source in codes.by_code and not chosen else None
    )
    if target is None and chosen in codes.by_code:
        target = (codes.by_code[chosen], chosen)
    if target is not None:
        report.target, report.code, report.action = target[0], target[1], UPDATE
        if target[0] not in codes.changeable:
            message = _("The dataset is already in the catalog as {code}, in a unit whose entries you may not change.")
            report.problems.append(message.format(code=target[1]))
        if chosen and chosen != target[1]:
            message = _("The mapping table gives {chosen}, but the dataset is already in the catalog as {code}.")
            report.problems.append(message.format(chosen=chosen, code=target[1]))
        return
    if chosen:
        code = chosen
    elif RESOURCE_CODE.match(source):
        code = source
    elif RESOURCE_CODE.match(own) and own not in codes.by_code and own not in codes.used:
        code = own  # our own export of an entry with a source identifier: its code travels as govcio:code
    elif options.classification:
        report.code = codes.new(options.classification)
        return
    else:
        message = _(
            "The identifier “{code}” is not a catalog code: choose a classification for new codes, or give it a code "
            "in the mapping table."
        )
        report.problems.append(message.format(code=source))
        return
    if code in codes.used:
        report.problems.append(_("The code {code} is given to more than one dataset.").format(code=code))
    codes.used.add(code)
    report.code = code


def _vocab(report: DatasetReport, name: str, value: str, lookup, default, *, stated_as: str = ""):
    """A field from a vocabulary: the match when there is one; otherwise the default (blank or "other"), and the
    change reported."""
    if not value:
        if default:
            message = _("{field}: not stated; “{default}” is used.")
            report.unmapped.append(message.format(field=label(name), default=default.label))
        return default
    found = lookup(value)
    if found:
        report.mapped.append(label(name))
        return found
    if default:
        message = _("{field}: no match for “{value}”; “{default}” is used.")
        report.unmapped.append(message.format(field=label(name), value=value, default=default.label))
    else:
        message = _("{field}: no match for “{value}”; left blank (the value is kept as stated).")
        report.unmapped.append(message.format(field=label(name), value=value))
    return default


def _date(report: DatasetReport, value: str):
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        message = _("{field}: “{value}” is not a date; left blank (the value is kept as stated).")
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


def _sharing(report: DatasetReport, raw: m.Raw, row: dict) -> None:
    """Sharing (between departments) as the file states it in our extension; otherwise from the access level: a
    non-public or restricted dataset is shared only on conditions (its rights statement), never unconditionally."""
    stated = raw.ext.get("sharing_type")
    conditions = raw.ext.get("sharing_conditions", "").strip()
    if stated in c.SharingType.values:
        row["sharing_type"] = stated
        report.mapped.append(label("sharing_type"))
    else:
        if stated:
            message = _("{field}: no match for “{value}”.")
            report.unmapped.append(message.format(field=label("sharing_type"), value=stated))
        if row["open_attribute"] == c.OpenAttribute.OPEN:
            row["sharing_type"] = c.SharingType.UNCONDITIONAL
        else:
            row["sharing_type"] = c.SharingType.CONDITIONAL
            rights = raw.extra.get("rights")
            conditions = conditions or (str(rights).strip() if isinstance(rights, str) else "")
            if not conditions:
                conditions = _("Access level in the source catalog: {level}").format(level=raw.access or "—")
        message = _("{field}: derived from the access level “{level}”: “{value}”.")
        value = c.SharingType(row["sharing_type"]).label
        report.unmapped.append(message.format(field=label("sharing_type"), level=raw.access or "—", value=value))
    row["sharing_conditions"] = conditions
    if conditions:
        report.mapped.append(label("sharing_conditions"))


EXTENSION_DEFAULTS = {"sharing_method": c.SharingMethod.PLATFORM, "data_class": c.DataClass.GENERAL}


def _map(number: int, raw: m.Raw, twice: set, codes: Codes, options: Options, systems: dict) -> DatasetReport:
    report = DatasetReport(number, raw.identifier.strip(), raw.title.strip())
    report.kept = sorted(raw.extra)
    report.dropped = sorted(set(raw.dropped))
    report.unmapped += [_("Property {name} of no DCAT-US field: kept as stated.").format(name=k) for k in raw.unknown]
    _identify(report, twice, codes, options, raw.ext.get("code", ""))
    if not report.title:
        report.problems.append(_("No title."))
    elif len(report.title) > 200:
        report.problems.append(_("The title is longer than 200 characters."))
    match = RESOURCE_CODE.match(report.code)
    if report.code and not match:
        message = _("The identifier “{code}” is not a catalog code (classification/6-digit number).")
        report.problems.append(message.format(code=report.code))
    kind = KIND_OF_CLASS.get(match["cls"]) if match else None
    if match and kind is None:
        report.problems.append(_("The class digit of {code} must be 1, 2 or 3.").format(code=report.code))
    stated = raw.ext.get("kind")
    if kind and stated and stated != kind:
        message = _("The catalog kind “{kind}” does not match the class digit of {code}.")
        report.problems.append(message.format(kind=stated, code=report.code))
    parts = match.group("cls", "item", "category", "detail") if match else ("", "", "", "")
    row = dict(zip(("class_code", "item_code", "category_code", "detail_code"), parts, strict=True))
    row.update(kind=kind or c.CatalogKind.DEPARTMENTAL, code=report.code, name=report.title)
    row["abstract"] = raw.description.strip()
    row["source_identifier"] = report.identifier[:255] if report.identifier != report.code else ""
    row["extra_metadata"] = raw.extra
    report.mapped += [label("code"), label("kind"), label("name")] + ([label("abstract")] if row["abstract"] else [])
    if report.code and report.code != report.identifier:
        message = _("{field}: “{code}” is given; the identifier “{source}” is kept as the source identifier.")
        report.unmapped.append(message.format(field=label("code"), code=report.code, source=report.identifier))
    if raw.publisher:
        message = _("{field}: “{value}” becomes the unit you chose")
        report.unmapped.append(message.format(field=label("provider"), value=raw.publisher))
    first_media = lambda _value: next(filter(None, map(m.media_in, raw.media)), None)  # noqa: E731
    row["format"] = _vocab(report, "format", ", ".join(raw.media), first_media, c.ResourceFormat.OTHER)
    row["update_cycle"] = _vocab(report, "update_cycle", raw.frequency, m.frequency_in, "")
    row["open_attribute"] = _vocab(report, "open_attribute", raw.access, m.access_in, c.OpenAttribute.NOT_OPEN)
    _sharing(report, raw, row)
    for name, default in EXTENSION_DEFAULTS.items():
        known = m.EXTENSION_CHOICES[name].values
        row[name] = _vocab(report, name, raw.ext.get(name), lambda v, known=known: v if v in known else None, default)
    row["publication_date"] = _date(report, raw.issued)
    row["related_codes"] = _related(report, raw.related)
    row["system"] = _system(report, raw.system, systems)
    row["items"] = _map_items(report, raw.items)
    if row["items"]:
        report.mapped.append(label("items"))
    if match and kind:
        fields = {key: value for key, value in row.items() if key != "items"}
        errors = validate_resource(DataResource(**fields))
        report.problems += [str(message) for message in errors.values()]
    report.row = row
    return report


def _map_items(report: DatasetReport, items) -> list[tuple[str, str]]:
    result = []
    for name, kind in items:
        name = str(name or "").strip()
        if not name:
            report.dropped.append(_("A data item without a name"))
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
