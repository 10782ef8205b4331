"""Fusion risk (融合风险, DOMAIN.md §1: "the security risks that platform fusion brings"): systems ranked by combined
exposure, every factor shown as a reason with its points.

The factors and their weights are versioned data, ``security/data/fusion_weights.yaml``, read once and validated at
start-up (``security.apps`` imports ``security.cards``, which calls :func:`weights`): an unknown, missing or negative
value raises :class:`WeightsError` naming the file and the key.

- level: the MLPS level (GB/T 22240-2020) — or, for a running system, having none at all;
- findings: unverified findings by severity; overdue: those past their rectification deadline;
- downstream: systems within the blast radius (inventory/impact.py semantics), in or outside the user's scope
  (counted, never named); service items: public service items of the system and of everything downstream;
- exposure: reachable from the internet, used by the public;
- data: the highest classification (Data Security Law art. 21) of the system or of resources it holds, plus per
  core/important resource held;
- crypto: 应 (shall) items of GB/T 39786-2021 not met in the latest crypto assessment.

The facts come from ``security.selectors.fusion`` (a fixed number of queries whatever the number of systems); this
module only weighs them.
"""

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml
from django.utils.translation import gettext, ngettext

from inventory import choices as ic
from inventory.impact import MAX_DEPTH

from . import choices as c

WEIGHTS_FILE = Path(__file__).parent / "data" / "fusion_weights.yaml"
CLASSES = ("core", "important")
SEVERITIES = tuple(c.Severity.values)
LEVELS = (1, 2, 3, 4, 5)
NUMBER = "number"
# The shape of the file: a mapping is a section with exactly these keys; NUMBER is a number ≥ 0.
SHAPE = {
    "version": "version",
    "blast_radius": {"depth": "depth"},
    "level": {"points": dict.fromkeys(LEVELS, NUMBER), "not_graded": NUMBER},
    "findings": {"per_open": dict.fromkeys(SEVERITIES, NUMBER), "cap": NUMBER},
    "overdue": {"per_finding": NUMBER, "cap": NUMBER},
    "downstream": {"per_system": NUMBER, "cap": NUMBER},
    "service_items": {"per_item": NUMBER, "cap": NUMBER},
    "exposure": {"internet": NUMBER, "public_users": NUMBER},
    "data": {"class": dict.fromkeys(CLASSES, NUMBER), "per_resource": dict.fromkeys(CLASSES, NUMBER), "cap": NUMBER},
    "crypto": {"per_shall_unmet": NUMBER},
}


class WeightsError(ValueError):
    """The weights file is missing, malformed or holds a bad value."""


def _check(path: Path, data, shape, key: str = ""):
    """``data`` checked against ``shape``: the same keys, numbers ≥ 0, a depth from 1 to the inventory's maximum."""
    where = key or "(top level)"
    if isinstance(shape, dict):
        if not isinstance(data, dict):
            raise WeightsError(f"{path.name}: {where}: must be a mapping")
        unknown = sorted(map(str, set(data) - set(shape)))
        missing = sorted(map(str, set(shape) - set(data)))
        if unknown or missing:
            raise WeightsError(f"{path.name}: {where}: unknown keys {unknown}, missing keys {missing}")
        return {
            name: _check(path, data[name], part, f"{key}.{name}" if key else str(name)) for name, part in shape.items()
        }
    if shape == "version":
        if not isinstance(data, str | int | float) or isinstance(data, bool) or not str(data).strip():
            raise WeightsError(f"{path.name}: {where}: must be set")
        return str(data)
    if shape == "depth":
        if isinstance(data, bool) or not isinstance(data, int) or not 1 <= data <= MAX_DEPTH:
            raise WeightsError(f"{path.name}: {where}: must be a whole number from 1 to {MAX_DEPTH}, got {data!r}")
        return data
    if isinstance(data, bool) or not isinstance(data, int | float) or data < 0:
        raise WeightsError(f"{path.name}: {where}: must be a number of at least 0, got {data!r}")
    return float(data)


def load_weights(path: Path = WEIGHTS_FILE) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise WeightsError(f"{path.name}: cannot read: {exc}") from exc
    return _check(path, data, SHAPE)


@cache
def weights() -> dict:
    """The validated weights of the shipped file, read once per process."""
    return load_weights()


# Weighing ----------------------------------------------------------------------------------------------------------


@dataclass
class Facts:
    """What the selectors found about one system (counts only; nothing outside the scope is named)."""

    system_id: int
    name: str
    code: str
    unit_id: int
    unit: str
    status: str
    network: str = ""
    user_scope: str = ""
    data_class: str = ""
    level: int | None = None
    findings: dict[str, int] = field(default_factory=dict)  # severity → unverified findings
    overdue: int = 0
    downstream: int = 0
    downstream_outside: int = 0
    service_items: int = 0
    held: dict[str, int] = field(default_factory=dict)  # class → resources held (core and important)
    crypto_unmet: int = 0
    crypto_on: dt.date | None = None


@dataclass
class Reason:
    """One factor: a short text, its points, and the counts behind it as separate items (shown as chips on the
    page, so that no sentence is glued together from labels in one language's word order)."""

    code: str
    text: str
    points: float
    details: tuple[str, ...] = ()

    def full(self, separator: str) -> str:
        """The text with its details, for the export (``separator`` is the translated list separator)."""
        return f"{self.text} ({separator.join(self.details)})" if self.details else self.text


@dataclass
class Exposure:
    facts: Facts
    reasons: list[Reason]
    rank: int = 0

    @property
    def score(self) -> float:
        return round(sum(r.points for r in self.reasons), 1)

    def points(self, code: str) -> float:
        return sum(r.points for r in self.reasons if r.code == code)


def capped(value: float, cap: float) -> float:
    return round(min(value, cap), 1)


def highest_class(facts: Facts) -> str:
    for name in CLASSES:
        if facts.data_class == name or facts.held.get(name):
            return name
    return ""


class Texts:
    """Translations looked up once per ranking rather than once per system: through Django's thread-local machinery
    a lookup costs some 20 µs, which at city scale (6k systems, ~8 texts each) was most of the ranking's time."""

    def __init__(self):
        self.memo: dict = {}

    def __call__(self, msgid: str) -> str:
        found = self.memo.get(msgid)
        if found is None:
            found = self.memo[msgid] = gettext(msgid)
        return found

    def n(self, singular: str, plural: str, count: int) -> str:
        key = (singular, count)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = ngettext(singular, plural, count)
        return found

    def label(self, choices, value) -> str:
        key = (choices, value)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = str(choices(value).label)
        return found


def weigh(facts: Facts, w: dict | None = None, texts: Texts | None = None) -> Exposure:
    """The reasons (with their points) of one system; factors worth nothing are left out. ``_`` and ``ngettext``
    are the memoised lookups of ``texts`` (the names keep the messages extractable)."""
    w = w or weights()
    texts = texts or Texts()
    _, ngettext, label = texts, texts.n, texts.label  # noqa: N806
    reasons: list[Reason] = []

    def add(code: str, points: float, text: str, details=()) -> None:
        if points > 0:
            reasons.append(Reason(code, text, round(points, 1), tuple(details)))

    if facts.level:
        add("level", w["level"]["points"][min(facts.level, 5)], _("MLPS level {level}").format(level=facts.level))
    elif facts.status == ic.SystemStatus.RUNNING:
        add("level", w["level"]["not_graded"], _("Running without an MLPS grading"))

    open_total = sum(facts.findings.values())
    if open_total:
        by_severity = [
            _("{label}: {n}").format(label=label(c.Severity, s), n=facts.findings[s])
            for s in SEVERITIES
            if facts.findings.get(s)
        ]
        points = sum(w["findings"]["per_open"][s] * n for s, n in facts.findings.items())
        text = ngettext("{n} open finding", "{n} open findings", open_total).format(n=open_total)
        add("findings", capped(points, w["findings"]["cap"]), text, by_severity)
    if facts.overdue:
        text = ngettext("{n} finding past its deadline", "{n} findings past their deadline", facts.overdue)
        add(
            "overdue",
            capped(facts.overdue * w["overdue"]["per_finding"], w["overdue"]["cap"]),
            text.format(n=facts.overdue),
        )

    depth = w["blast_radius"]["depth"]
    if facts.downstream:
        text = ngettext(
            "{n} downstream system within {depth} hops", "{n} downstream systems within {depth} hops", facts.downstream
        ).format(n=facts.downstream, depth=depth)
        outside = [_("{n} outside your scope").format(n=facts.downstream_outside)] if facts.downstream_outside else []
        points = capped(facts.downstream * w["downstream"]["per_system"], w["downstream"]["cap"])
        add("downstream", points, text, outside)
    if facts.service_items:
        text = ngettext(
            "{n} public service item affected", "{n} public service items affected", facts.service_items
        ).format(n=facts.service_items)
        points = capped(facts.service_items * w["service_items"]["per_item"], w["service_items"]["cap"])
        add("service_items", points, text)

    # Exposure: one reason per way in, each with its own points.
    if facts.network == ic.Network.INTERNET:
        add("exposure", w["exposure"]["internet"], _("Reachable from the internet"))
    if facts.user_scope in (ic.UserScope.PUBLIC, ic.UserScope.BOTH):
        add("exposure", w["exposure"]["public_users"], _("Used by the public"))

    top = highest_class(facts)
    if top:
        held = sum(w["data"]["per_resource"][name] * facts.held.get(name, 0) for name in CLASSES)
        text = _("Holds {cls}").format(cls=label(ic.DataClass, top))
        resources = [
            ngettext("{n} resource of {cls}", "{n} resources of {cls}", facts.held[name]).format(
                n=facts.held[name], cls=label(ic.DataClass, name)
            )
            for name in CLASSES
            if facts.held.get(name)
        ]
        add("data", capped(w["data"]["class"][top] + held, w["data"]["cap"]), text, resources)

    if facts.crypto_unmet:
        text = ngettext(
            "{n} crypto “shall” item not met in the latest crypto assessment ({date})",
            "{n} crypto “shall” items not met in the latest crypto assessment ({date})",
            facts.crypto_unmet,
        ).format(n=facts.crypto_unmet, date=facts.crypto_on or "—")
        add("crypto", facts.crypto_unmet * w["crypto"]["per_shall_unmet"], text)
    return Exposure(facts, reasons)


def ranked(facts: list[Facts], w: dict | None = None) -> list[Exposure]:
    """Highest score first; ties by system code. ``rank`` is 1-based and shared by equal scores."""
    texts = Texts()
    exposures = sorted((weigh(f, w, texts) for f in facts), key=lambda e: (-e.score, e.facts.code))
    previous, rank = None, 0
    for position, exposure in enumerate(exposures, start=1):
        if exposure.score != previous:
            rank, previous = position, exposure.score
        exposure.rank = rank
    return exposures
