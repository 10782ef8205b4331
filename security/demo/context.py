"""What every part of the security demo needs to know about the demo tree: the governments and departments above
each unit, the policy that applies, who the liaisons and CIOs are, and deadlines computed once per distinct input.

Everything is read once, in a few queries, into dictionaries keyed by unit id; no query runs per system.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db.models import Q

from accounts.models import User
from core.choices import UnitKind
from core.models import RoleAssignment, Unit
from core.tree import subtree_q
from inventory.models import System

from .. import deadlines
from ..choices import DeadlineKind
from ..models import SecurityPolicy

GOVERNMENTS = (UnitKind.PROVINCE, UnitKind.CITY, UnitKind.COUNTY, UnitKind.TOWNSHIP)
FILING = (UnitKind.PROVINCE, UnitKind.CITY, UnitKind.COUNTY)  # townships file with their county's PSB
SYSTEM_FIELDS = (
    "pk",
    "code",
    "name",
    "purpose",
    "status",
    "data_class",
    "user_scope",
    "user_count",
    "network",
    "go_live_date",
    "mlps_level",
    "owner_unit_id",
    "url",
    "tech_os",
    "tech_middleware",
    "tech_language",
)


@dataclass(frozen=True)
class SystemRow:
    pk: int
    code: str
    name: str
    purpose: str
    status: str
    data_class: str
    user_scope: str
    user_count: int | None
    network: str
    go_live_date: dt.date | None
    mlps_level: int | None  # the inventory's starting point, a hint only: grading decides
    owner_unit_id: int
    url: str
    tech_os: str
    tech_middleware: str
    tech_language: str

    @property
    def stack(self) -> str:
        return f"{self.tech_os} {self.tech_middleware} {self.tech_language}"


def demo_systems(root: Unit):
    return System.objects.filter(subtree_q("owner_unit__path", root.path))


def load_systems(ids: list[int]) -> list[SystemRow]:
    """The systems ``ids`` as rows, in the order given."""
    rows = {row[0]: SystemRow(*row) for row in System.objects.filter(pk__in=ids).values_list(*SYSTEM_FIELDS)}
    return [rows[pk] for pk in ids]


def create_policies(units: list[Unit]) -> dict[int, SecurityPolicy]:
    """The top government's policy with the defaults, and one county counting filing in 10 working days (a locality
    that asks for it, 公通字[2007]43号 leaves room); at county scale that county is the top government itself."""
    root = units[0]
    county = next((u for u in units if u.kind == UnitKind.COUNTY), root)
    policies = {root.pk: SecurityPolicy(unit=root)}
    policies[county.pk] = SecurityPolicy(unit=county)
    policies[county.pk].filing_deadline_kind = DeadlineKind.WORKING
    policies[county.pk].filing_deadline_days = 10
    SecurityPolicy.objects.bulk_create(list(policies.values()))
    return policies


@dataclass
class Context:
    rng: random.Random
    today: dt.date
    root: Unit
    units: dict[int, Unit]
    policy: dict[int, SecurityPolicy] = field(default_factory=dict)  # unit id → the policy that applies
    filing_gov: dict[int, Unit] = field(default_factory=dict)  # unit id → the government whose PSB files it
    department: dict[int, Unit] = field(default_factory=dict)  # unit id → its department (itself for one)
    liaison: dict[int, int] = field(default_factory=dict)  # unit id → the liaison's user id
    cio: dict[int, int] = field(default_factory=dict)  # unit id → the nearest CIO's user id
    expert_user: int | None = None
    _memo: dict = field(default_factory=dict)

    @classmethod
    def build(cls, rng: random.Random, units: list[Unit], today: dt.date, policies: dict) -> "Context":
        ctx = cls(rng=rng, today=today, root=units[0], units={u.pk: u for u in units})
        liaisons = _first_holder("liaison", ctx.root)
        cios = _first_holder("cio", ctx.root)
        for unit in units:  # path order: a parent is always seen before its children
            parent = ctx.units.get(unit.parent_id)
            ctx.policy[unit.pk] = policies.get(unit.pk) or (ctx.policy[parent.pk] if parent else SecurityPolicy())
            if unit.kind in FILING or parent is None:
                ctx.filing_gov[unit.pk] = unit
            else:
                ctx.filing_gov[unit.pk] = ctx.filing_gov[parent.pk]
            if unit.kind == UnitKind.DEPARTMENT:
                ctx.department[unit.pk] = unit
            elif unit.kind == UnitKind.SUBUNIT and parent is not None:
                ctx.department[unit.pk] = ctx.department.get(parent.pk, parent)
            ctx.cio[unit.pk] = cios.get(unit.pk) or (ctx.cio.get(parent.pk) if parent else None)
            own = liaisons.get(unit.pk)
            ctx.liaison[unit.pk] = own or (ctx.liaison.get(parent.pk) if unit.kind == UnitKind.SUBUNIT else None)
        ctx.expert_user = User.objects.filter(username="demo_expert").values_list("pk", flat=True).first()
        return ctx

    # Deadlines through security.deadlines, once per distinct input (working days cost two queries each) ----------
    def filing_due(self, level: int, graded_on: dt.date, go_live: dt.date | None, policy):
        key = ("filing", policy.pk, level, graded_on, go_live)
        if key not in self._memo:
            self._memo[key] = deadlines.filing_due(level, graded_on=graded_on, go_live=go_live, policy=policy)
        return self._memo[key]

    def finding_deadline(self, severity: str, found_on: dt.date, policy):
        key = ("finding", policy.pk, severity, found_on)
        if key not in self._memo:
            self._memo[key] = deadlines.finding_deadline(severity, found_on=found_on, policy=policy)
        return self._memo[key]

    # Dates ---------------------------------------------------------------------------------------------------
    def day_between(self, start: dt.date, end: dt.date) -> dt.date:
        """A day in [start, end] (start when the span is empty), never after today."""
        end = min(end, self.today)
        if end <= start:
            return min(start, self.today)
        return start + dt.timedelta(days=self.rng.randint(0, (end - start).days))

    def ago(self, days: int) -> dt.date:
        return self.today - dt.timedelta(days=days)


def _first_holder(role: str, root: Unit) -> dict[int, int]:
    """unit id → the user holding ``role`` there (the first by username, so a seed always picks the same one)."""
    rows = (
        RoleAssignment.objects.filter(subtree_q("unit__path", root.path), Q(role__code=role), user__is_active=True)
        .order_by("unit_id", "user__username")
        .values_list("unit_id", "user_id")
    )
    found: dict[int, int] = {}
    for unit_id, user_id in rows:
        found.setdefault(unit_id, user_id)
    return found
