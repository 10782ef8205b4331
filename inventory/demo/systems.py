"""Plan a government's information systems: the departments' typical systems first, then generic ones (web site,
OA …), then a long tail named after each business line, up to a quota per place; then plant zombies."""

import datetime
import random
from decimal import Decimal

from core.demo import names
from inventory import choices as c
from inventory.models import System

from . import tech
from .catalog import DATA_CLASSES, Sys
from .catalog.common import GENERIC, SYSTEM_ENDINGS
from .places import Group, Place, PlannedSystem

# Systems per place at each level of government, before the catalog's weight (tuned to DOMAIN.md §2: ~500 per
# county with its townships, ~6k per city, ~100k per province).
QUOTA = {"p": 130.0, "c": 26.0, "x": 10.7, "t": 2.5}
BORROWED_WEIGHT = 0.35  # a subordinate unit without templates of its own
ZOMBIE_SHARE = (0.02, 0.04)  # planted per government (国办发〔2017〕39号)
COST_LEVEL = {"p": 2.2, "c": 1.5, "x": 1.0, "t": 0.45}
USERS = {  # (internal staff, the public) user counts around which a level's systems scatter
    "p": (1500, 400_000),
    "c": (400, 60_000),
    "x": (120, 12_000),
    "t": (15, 1500),
}
SITE = {"p": "", "c": "（市级站点）", "x": "（县级站点）", "t": ""}
SCOPES = {"i": c.UserScope.INTERNAL, "p": c.UserScope.PUBLIC, "b": c.UserScope.BOTH}
NETWORKS = {
    "e": c.Network.EGOV_EXTRANET,
    "n": c.Network.INTERNET,
    "p": c.Network.PRIVATE,
    "i": c.Network.INTRANET,
}
HUB_PURPOSE = {
    "exchange": "汇聚各部门政务信息资源，提供目录管理、数据交换和共享调度，支撑跨部门、跨层级数据共享",
    "identity": "为政务服务和部门业务系统提供统一的用户注册、实名认证和单点登录",
    "license": "归集各部门签发的电子证照，提供证照查询、核验和调用",
    "portal": "政务服务事项的网上统一入口，提供办事指南、网上申报、进度查询和结果送达",
    "hotline": "受理群众和企业通过 12345 热线反映的咨询、求助、投诉和建议，派单并督办",
    "grid": "网格事件的采集上报、分拨流转、处置反馈和考核，网格员移动端巡查",
}
GENERIC_TEMPLATES = {template for _, template in GENERIC}
ZOMBIE_PURPOSE = "早期建设，功能已由政府统一平台承载，近年基本无人使用"


def _year(rng: random.Random, low: int = 2008, high: int = 2026) -> int:
    """A go-live year, later years more likely (informatization keeps growing)."""
    years = list(range(low, high + 1))
    return rng.choices(years, weights=[1 + (y - 2008) * 0.3 for y in years])[0]


def _date_in(rng: random.Random, year: int, today: datetime.date) -> datetime.date:
    start = datetime.date(year, 1, 1)
    end = min(datetime.date(year, 12, 31), today)
    return start + datetime.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


class SystemPlanner:
    def __init__(self, rng: random.Random, today: datetime.date, vendors: list[str]):
        self.rng = rng
        self.today = today
        self.vendors = vendors
        self.numbers: dict[int, int] = {}  # per unit: the last system number (SYS-481022-RSJ-003)

    # Which systems each place gets -------------------------------------------------------------------------
    def plan(self, group: Group) -> None:
        for place in group.places:
            if place.dept is not None:
                continue  # subordinate units are planned with their department (they may host its systems)
            for target in (place, *place.children):
                self._plan_place(group, target, place)
        self._plant_zombies(group)

    def _home(self, place: Place, template: Sys, siblings: list[Place]) -> Place:
        if not template.home:
            return place
        for other in siblings:
            if other.unit.name.endswith(template.home) or other.key == template.home:
                return other
        return place

    def _plan_place(self, group: Group, place: Place, dept: Place) -> None:
        rng = self.rng
        catalog = place.catalog
        weight = catalog.weight if place.own else BORROWED_WEIGHT
        quota = max(1, round(QUOTA[place.level] * weight * rng.uniform(0.8, 1.2)))
        taken: set[str] = set()
        count = 0
        if place.own:
            siblings = dept.children if place is dept else []
            if place.gov.kind == "township":
                siblings = [p for p in group.places if p.gov is place.gov and p is not place]
            for template in catalog.systems:
                if place.level not in template.levels:
                    continue
                home = self._home(place, template, siblings)
                self._add(group, home, template, template.topic, taken, origin=place)
                count += home is place
        if place.level != "t" or rng.random() < 0.3:
            for chance, template in GENERIC:
                if rng.random() < chance * (0.4 if place.level == "t" else 1.0):
                    self._add(group, place, template, "", taken)
                    count += 1
        combos = [(topic, ending) for topic in catalog.topics for ending in SYSTEM_ENDINGS]
        rng.shuffle(combos)
        phase = 1
        while count < quota and combos:
            for topic, (ending, scope, purpose) in combos:
                if count >= quota:
                    break
                name = f"{topic}{ending}" + ("" if phase == 1 else f"（{'一二三四五六七八九'[phase - 1]}期）")
                template = Sys(name, scope, mlps=None, topic=topic, purpose=purpose.format(topic=topic))
                if self._add(group, place, template, topic, taken, filler=True):
                    count += 1
            phase += 1
            if phase > 9:
                break

    def _add(self, group: Group, place: Place, template: Sys, topic: str, taken: set[str], filler=False, origin=None):
        """Add a system named after the government (北源县不动产登记系统) or, for generic systems and those of
        subordinate units, after the unit (北源县人民医院HIS系统)."""
        own_name = template.own or template in GENERIC_TEMPLATES or (filler and place.dept is not None)
        name = (place.unit.name if own_name else place.gov.name) + template.name.replace("{site}", SITE[place.level])
        if name in taken or len(name) > 100:
            return False
        taken.add(name)
        system = self._system(place, template, name, filler)
        number = self.numbers[place.unit.pk] = self.numbers.get(place.unit.pk, 0) + 1
        system.code = f"SYS-{place.unit.code}-{number:03d}"
        planned = PlannedSystem(obj=system, place=place, template=template, origin=origin or place)
        planned.topic = topic
        planned.zombie = template.zombie
        if template.hub:
            group.hubs[(place.gov.pk, template.hub)] = planned
        group.systems.append(planned)
        return True

    # What a system looks like ------------------------------------------------------------------------------
    def _system(self, place: Place, template: Sys, name: str, filler: bool) -> System:
        rng, today, level = self.rng, self.today, place.level
        scope = SCOPES[template.scope]
        status = c.SystemStatus.RUNNING
        if not template.hub:
            status = rng.choices(
                [c.SystemStatus.RUNNING, "building", "planned", "suspended", "retired"], [83, 6, 3, 4, 4]
            )[0]
        year = _year(rng, 2016 if template.hub else 2008)
        system = System(
            name=name,
            owner_unit=place.unit,
            responsible_person=names.full_name(rng),
            user_scope=scope,
            status=status,
            vendor=tech.vendor(rng, place.key, self.vendors),
            data_class=DATA_CLASSES[template.data],
        )
        if filler and place.catalog.subject == "person" and rng.random() < 0.35:
            system.data_class = c.DataClass.IMPORTANT
        system.purpose = self._purpose(place, template, name, scope)
        system.network = self._network(place, template, scope)
        system.hosting = self._hosting(template, year)
        staff, public = USERS[level]
        typical = staff if scope == c.UserScope.INTERNAL else public if scope == c.UserScope.PUBLIC else public // 4
        system.user_count = max(1, int(typical * rng.lognormvariate(0, 0.9)))
        if status != "planned":  # a system under construction has its stack chosen already
            if status != "building":
                system.go_live_date = _date_in(rng, year, today)
            for field, value in tech.stack(rng, year if status != "building" else today.year).items():
                setattr(system, field, value)
            if rng.random() < 0.08:  # the liaison never filled in the stack
                for part in tech.PARTS:
                    setattr(system, f"tech_{part}", "")
                    setattr(system, f"tech_{part}_domestic", False)
        self._dates(system, status)
        cost = template.cost * COST_LEVEL[level] * rng.lognormvariate(4.1, 0.6)
        if not (year < 2012 and rng.random() < 0.3):  # costs of old systems are often unknown
            system.build_cost = _money(min(800.0, cost if cost >= 20 else rng.uniform(20, 35)))
            system.annual_om_cost = _money(float(system.build_cost) * rng.uniform(0.05, 0.15))
        system.url = self._url(place, system, rng)
        system.mlps_level = self._mlps(place, template, system, filler)
        return system

    def _purpose(self, place: Place, template: Sys, name: str, scope: str) -> str:
        if template.hub:
            return HUB_PURPOSE[template.hub]
        if template.purpose:
            return template.purpose
        if template.zombie:
            return ZOMBIE_PURPOSE
        owner = place.unit.short_name or place.unit.name
        topic = f"{template.topic}相关业务" if template.topic else "日常业务"
        text = f"支撑{owner}{topic}的办理、管理和统计分析"
        if scope != c.UserScope.INTERNAL:
            text += "，面向群众和企业提供网上服务"
        return text

    def _network(self, place: Place, template: Sys, scope: str) -> str:
        rng = self.rng
        if template.net:
            return NETWORKS[template.net]
        if scope == c.UserScope.PUBLIC or (scope == c.UserScope.BOTH and rng.random() < 0.5):
            return c.Network.INTERNET
        if place.department.catalog.net == "p" and rng.random() < 0.85:
            return c.Network.PRIVATE
        return c.Network.INTRANET if rng.random() < 0.04 else c.Network.EGOV_EXTRANET

    def _hosting(self, template: Sys, year: int) -> str:
        rng = self.rng
        if template.mlps is None and template.net == "n" and rng.random() < 0.7:
            return c.Hosting.EXTERNAL  # 微信公众号、政务微博 and the like run on the platform's side
        cloud = 0.1 if year <= 2014 else 0.4 if year <= 2018 else 0.65 if year <= 2021 else 0.8
        if year <= 2018 and rng.random() < 0.25:
            cloud = 0.9  # migrated to the government cloud since
        if rng.random() < cloud:
            return c.Hosting.GOV_CLOUD
        return c.Hosting.EXTERNAL if rng.random() < 0.05 else c.Hosting.MACHINE_ROOM

    def _dates(self, system: System, status: str) -> None:
        rng, today = self.rng, self.today
        days = datetime.timedelta
        if status == "running":
            recent = rng.randint(0, 14) if rng.random() < 0.9 else rng.randint(15, 120)
            system.last_active_date = today - days(recent)
            system.om_contract_end = today + days(rng.randint(-90, 720))
        elif status == "suspended":
            system.last_active_date = today - days(rng.randint(180, 900))
            system.om_contract_end = today - days(rng.randint(30, 500))
        elif status == "retired":
            system.last_active_date = today - days(rng.randint(365, 2000))
            system.om_contract_end = today - days(rng.randint(200, 1500))
        if system.go_live_date and system.last_active_date and system.last_active_date < system.go_live_date:
            system.last_active_date = system.go_live_date
        if system.go_live_date and system.om_contract_end and system.om_contract_end < system.go_live_date:
            system.om_contract_end = system.go_live_date + days(365)

    def _url(self, place: Place, system: System, rng: random.Random) -> str:
        if rng.random() < 0.15 or system.network in (c.Network.PRIVATE, c.Network.INTRANET):
            return ""
        if system.network == c.Network.INTERNET:
            path = "" if rng.random() < 0.4 else f"app{rng.randint(1, 99)}/"
            return f"https://{place.host}/{path}"
        host = f"10.{rng.randint(1, 254)}.{rng.randint(0, 254)}.{rng.randint(2, 254)}"  # 政务外网 addresses
        return f"http://{host}:{rng.choice([80, 8080, 8443])}/"

    def _mlps(self, place: Place, template: Sys, system: System, filler: bool) -> int | None:
        """Most running public-facing systems at level 2, core platforms at 3, a few police systems at 4; some not
        yet graded. The security module owns grading; this is only the demo's starting point."""
        rng = self.rng
        if system.status not in ("running", "suspended") and rng.random() < 0.7:
            return None
        if filler:
            if system.user_scope != c.UserScope.INTERNAL:
                return 2 if rng.random() < 0.85 else None
            if system.data_class == c.DataClass.IMPORTANT and rng.random() < 0.3:
                return 3
            return 2 if rng.random() < 0.65 else None
        if template.mlps is None:
            return 2 if rng.random() < 0.2 else None
        if template.mlps == 3 and place.level == "p" and place.department.catalog.net == "p" and rng.random() < 0.3:
            return 4
        if template.mlps == 2 and rng.random() < 0.15:
            return None
        return template.mlps

    # Zombies -----------------------------------------------------------------------------------------------
    def _plant_zombies(self, group: Group) -> None:
        """Turn 2–4 % of a government's systems into zombies: long inactive, contract ended, hardly used. Systems
        from zombie templates (旧版门户, 政务微博 …) come first, then old business systems."""
        rng, today = self.rng, self.today
        flagged = [s for s in group.systems if s.zombie]
        retired = {id(s) for s in flagged if rng.random() < 0.25}  # already switched off, still in the register
        target = max(1, round(len(group.systems) * rng.uniform(*ZOMBIE_SHARE)))
        old = [
            s
            for s in group.systems
            if not s.zombie and not s.hub and s.obj.status == "running" and s.obj.go_live_date
            if s.obj.go_live_date.year <= 2017
        ]
        rng.shuffle(old)
        running = len(flagged) - len(retired)
        for planned in flagged + old[: max(0, target - running)]:
            planned.zombie = True
            system = planned.obj
            year = rng.randint(2009, 2016)
            system.status = c.SystemStatus.RETIRED if id(planned) in retired else c.SystemStatus.RUNNING
            system.go_live_date = _date_in(rng, year, today)
            for field, value in tech.stack(rng, year).items():
                setattr(system, field, value)
            system.last_active_date = today - datetime.timedelta(days=rng.randint(730, 1460))
            system.om_contract_end = today - datetime.timedelta(days=rng.randint(365, 1460))
            system.user_count = rng.randint(1, 12)
            if system.hosting == c.Hosting.GOV_CLOUD and rng.random() < 0.6:
                system.hosting = c.Hosting.MACHINE_ROOM
