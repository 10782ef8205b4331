"""Data quality of the inventory: which fields are missing or doubtful, per record and per department.

Each check names the records it applies to and the condition that makes it fail; its weight comes from
``inventory/data/zombie_rules.yaml``. A department's score is 100 × (1 − Σ weight × failing / Σ weight × applicable)
over its systems (retired ones excepted) and the data resources it provides. Everything is counted in SQL: two
grouped queries for the scores, whatever the number of records.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, reduce
from operator import or_

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from inventory import choices as c
from inventory.models import DataItem
from inventory.rules import rules

Condition = Callable[[dt.date], Q]


@dataclass(frozen=True)
class Check:
    code: str
    label: str
    fails: Condition
    applies: Condition | None = None  # None: every record of the model

    def applies_q(self, today: dt.date) -> Q:
        return self.applies(today) if self.applies else Q()

    def failing_q(self, today: dt.date) -> Q:
        return self.applies_q(today) & self.fails(today)

    @property
    def weight(self) -> float:
        return rules().quality_weights[self.code]


def _running(today):
    return Q(status=c.SystemStatus.RUNNING)


SYSTEM_CHECKS = [
    Check("system.responsible_person", _("No responsible person"), lambda t: Q(responsible_person="")),
    Check("system.purpose", _("No purpose"), lambda t: Q(purpose="")),
    Check("system.go_live_date", _("Running without a go-live date"), lambda t: Q(go_live_date__isnull=True), _running),
    Check("system.last_active_future", _("Last active in the future"), lambda t: Q(last_active_date__gt=t)),
    Check(
        "system.om_contract_ended", _("O&M contract ended but running"), lambda t: Q(om_contract_end__lt=t), _running
    ),
    Check("system.hosting", _("No hosting"), lambda t: Q(hosting="")),
    Check("system.network", _("No network"), lambda t: Q(network="")),
    Check("system.data_class", _("No data classification"), lambda t: Q(data_class="")),
]
RESOURCE_CHECKS = [
    Check("resource.items", _("No data items"), lambda t: Q(~Exists(DataItem.objects.filter(resource=OuterRef("pk"))))),
    Check("resource.abstract", _("No abstract"), lambda t: Q(abstract="")),
    Check("resource.publication_date", _("No publication date"), lambda t: Q(publication_date__isnull=True)),
    Check(
        "resource.not_shared_basis",
        _("Not shared, no legal basis"),
        lambda t: Q(sharing_conditions=""),
        lambda t: Q(sharing_type=c.SharingType.NOT_SHARED),
    ),
]
CHECK_CODES = [check.code for check in SYSTEM_CHECKS + RESOURCE_CHECKS]


CHECKS = {check.code: check for check in SYSTEM_CHECKS + RESOURCE_CHECKS}


Gap = tuple[str, int, int]  # (check code, failing, applicable): plain tuples, cheap to keep in the shared cache


@dataclass
class UnitQuality:
    unit_id: int
    name: str
    path: str
    gaps: list[Gap] = field(default_factory=list)

    @property
    def missing(self) -> list[Gap]:
        return [gap for gap in self.gaps if gap[1]]

    @property
    def failing(self) -> int:
        return sum(failing for _code, failing, _applicable in self.gaps)

    @cached_property
    def score(self) -> float | None:
        """Read once the unit's gaps are all in (it is cached)."""
        return score(self.gaps)


def score(gaps: list[Gap]) -> float | None:
    weights = rules().quality_weights
    total = missing = 0
    for code, failing, applicable in gaps:
        total += weights[code] * applicable
        missing += weights[code] * failing
    return score_of(missing, total)


def score_of(missing: float, applicable: float) -> float | None:
    """The score from the weighted sums of failing and applicable records."""
    return round(100 * (1 - missing / applicable), 1) if applicable else None


@dataclass
class UnitScore:
    """A unit's score from its weighted sums, without the gaps themselves (a province's overview ranks 10,000)."""

    unit_id: int
    name: str
    path: str
    missing: float = 0
    applicable: float = 0
    failing: int = 0

    @property
    def score(self) -> float | None:
        return score_of(self.missing, self.applicable)


def check_counts(checks: list[Check], today: dt.date, *, prefix: str, base: Q | None = None) -> dict:
    """Aggregates counting, per check, the records it applies to and those failing it — to merge into any
    grouped query (the overview adds them to its own, so the scores cost no query of their own)."""
    counts = {}
    for i, check in enumerate(checks):
        applies = check.applies_q(today)
        failing = check.failing_q(today)
        if base is not None:
            applies, failing = base & applies, base & failing
        counts[f"{prefix}n{i}"] = Count("pk", filter=applies) if applies else Count("pk")
        counts[f"{prefix}m{i}"] = Count("pk", filter=failing)
    return counts


def gaps_of(row: dict, checks: list[Check], prefix: str) -> list[Gap]:
    """The gaps counted by ``check_counts`` in one row (of a unit, or of totals)."""
    return [(code, row[failing], row[applicable]) for code, failing, applicable in gap_keys(checks, prefix)]


_KEYS: dict[tuple, list[tuple[str, str, str]]] = {}


def gap_keys(checks: list[Check], prefix: str) -> list[tuple[str, str, str]]:
    """(code, failing key, applicable key) of each check in rows counted by ``check_counts``, worked out once per
    list of checks (by their codes: hashing a check would translate its label)."""
    key = (prefix, *(check.code for check in checks))
    found = _KEYS.get(key)
    if found is None:
        found = _KEYS[key] = [(code, f"{prefix}m{i}", f"{prefix}n{i}") for i, code in enumerate(key[1:])]
    return found


def add_gaps(units: dict[int, "UnitQuality"], row: dict, group: str, checks: list[Check], prefix: str) -> None:
    """Fold one grouped row (of ``check_counts``) into ``units``."""
    unit = units.setdefault(row[group], UnitQuality(row[group], row[f"{group}__name"], row[f"{group}__path"]))
    unit.gaps.extend(gaps_of(row, checks, prefix))


SYSTEM_BASE = ~Q(status=c.SystemStatus.RETIRED)  # retired systems are history, not work to do


def quality_by_unit(systems, resources, *, today: dt.date) -> dict[int, UnitQuality]:
    """Per owning / providing unit: the gaps of its systems and data resources (two queries)."""
    units: dict[int, UnitQuality] = {}
    for queryset, group, checks, base in (
        (systems, "owner_unit", SYSTEM_CHECKS, SYSTEM_BASE),
        (resources, "provider", RESOURCE_CHECKS, None),
    ):
        counts = check_counts(checks, today, prefix="q", base=base)
        for row in queryset.order_by().values(group, f"{group}__name", f"{group}__path").annotate(**counts):
            add_gaps(units, row, group, checks, "q")
    return units


def records_with_gaps(queryset, checks: list[Check], *, today: dt.date, limit: int = 200):
    """``[(record, [check, …])]`` for the records of ``queryset`` failing any check (one query)."""
    flags = {
        f"gap{i}": ExpressionWrapper(check.failing_q(today), output_field=BooleanField())
        for i, check in enumerate(checks)
    }
    failing = reduce(or_, (check.failing_q(today) for check in checks))
    rows = queryset.filter(failing).annotate(**flags).order_by("code")[:limit]
    return [(row, [check for i, check in enumerate(checks) if getattr(row, f"gap{i}")]) for row in rows]


def system_gaps(systems, *, today: dt.date, limit: int = 200):
    return records_with_gaps(systems.filter(SYSTEM_BASE), SYSTEM_CHECKS, today=today, limit=limit)


def resource_gaps(resources, *, today: dt.date, limit: int = 200):
    return records_with_gaps(resources, RESOURCE_CHECKS, today=today, limit=limit)
