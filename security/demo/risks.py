"""Plan and write the risk register: a handful of risks per department (one now and then per township office),
likelihood × impact spread over the 5 × 5 matrix, linked to the department's systems and, where the risk concerns
data, its data resources; each with a treatment plan, an owner (the department's liaison) and a due date."""

import datetime as dt
from collections import defaultdict

from core.choices import UnitKind
from core.tree import subtree_q
from inventory.models import DataResource

from ..choices import RiskStatus
from ..models import Risk
from . import catalog
from .context import Context, SystemRow

BATCH = 2000
PER_DEPARTMENT = (2, 4)
TOWNSHIP_OFFICE = 0.25
RESOURCES_KEPT = 4  # per department: the data resources a risk may name
OLD_OS = ("CentOS", "2008", "2012", "中标麒麟")


class RiskPlanner:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.systems: dict[int, list[SystemRow]] = defaultdict(list)  # department id → its systems (and subunits')

    def remember(self, rows: list[SystemRow]) -> None:
        for row in rows:
            department = self.ctx.department.get(row.owner_unit_id)
            if department is not None and row.status in ("running", "building", "suspended"):
                self.systems[department.pk].append(row)

    def _resources(self) -> dict[int, list[int]]:
        """department id → a few of its data resources, important ones first."""
        kept: dict[int, list[tuple[bool, str, int]]] = defaultdict(list)
        rows = DataResource.objects.filter(subtree_q("provider__path", self.ctx.root.path)).values_list(
            "provider_id", "code", "pk", "data_class"
        )
        for provider, code, pk, data_class in rows.order_by("code"):
            department = self.ctx.department.get(provider)
            if department is not None:
                kept[department.pk].append((data_class == "general", code, pk))
        return {dept: [pk for *_, pk in sorted(found)[:RESOURCES_KEPT]] for dept, found in kept.items()}

    def write(self) -> int:
        ctx, rng = self.ctx, self.ctx.rng
        resources = self._resources()
        risks: list[Risk] = []
        links: list[tuple[Risk, list[int], list[int]]] = []
        for unit in ctx.units.values():  # path order
            if unit.kind != UnitKind.DEPARTMENT:
                continue
            township = ctx.units[unit.parent_id].kind == UnitKind.TOWNSHIP
            if township and rng.random() >= TOWNSHIP_OFFICE:
                continue
            count = 1 if township else rng.randint(*PER_DEPARTMENT)
            systems = self.systems.get(unit.pk, [])
            added = 0
            for template in rng.sample(catalog.RISKS, len(catalog.RISKS)):  # the first ``count`` that apply
                if added == count:
                    break
                planned = self._risk(unit, template, systems, resources.get(unit.pk, []))
                if planned is not None:
                    risks.append(planned[0])
                    links.append(planned)
                    added += 1
        Risk.objects.bulk_create(risks, batch_size=BATCH)
        through_s, through_d = Risk.systems.through, Risk.data_resources.through
        through_s.objects.bulk_create(
            [through_s(risk_id=r.pk, system_id=s) for r, systems, _ in links for s in systems], batch_size=BATCH
        )
        through_d.objects.bulk_create(
            [through_d(risk_id=r.pk, dataresource_id=d) for r, _, data in links for d in data], batch_size=BATCH
        )
        return len(risks)

    def _system_for(self, template: catalog.R, systems: list[SystemRow]) -> SystemRow | None:
        rng = self.ctx.rng
        if "操作系统" in template.title:
            systems = [s for s in systems if any(word in s.tech_os for word in OLD_OS)]
        elif "互联网" in template.title:
            systems = [s for s in systems if s.network == "internet"]
        elif template.data:
            systems = [s for s in systems if s.data_class in ("important", "core")] or systems
        return rng.choice(systems) if systems else None

    def _risk(self, unit, template: catalog.R, systems: list[SystemRow], resources: list[int]):
        ctx, rng = self.ctx, self.ctx.rng
        system = self._system_for(template, systems) if "{system}" in template.title else None
        if "{system}" in template.title and system is None:
            return None
        linked = [system] if system else rng.sample(systems, min(len(systems), rng.randint(0, 2)))
        data = rng.sample(resources, min(len(resources), rng.randint(1, 2))) if template.data else []
        status = rng.choices([RiskStatus.OPEN, RiskStatus.TREATING, RiskStatus.CLOSED], [0.4, 0.45, 0.15])[0]
        if status == RiskStatus.CLOSED or rng.random() < 0.1:  # closed, or an open one past its due date
            due = ctx.today - dt.timedelta(days=rng.randint(10, 300))
        else:
            due = ctx.today + dt.timedelta(days=rng.randint(30, 300))
        name = system.name if system else unit.name
        risk = Risk(
            unit=unit,
            title=template.title.format(system=name),
            description=f"{unit.name}在年度网络安全风险评估中识别。",
            likelihood=rng.randint(*template.likelihood),
            impact=rng.randint(*template.impact),
            treatment=template.treatment,
            treatment_plan=template.plan,
            owner_id=ctx.liaison.get(unit.pk),
            due_date=due,
            status=status,
        )
        return risk, [s.pk for s in dict.fromkeys(linked)], data
