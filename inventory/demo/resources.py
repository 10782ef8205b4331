"""Plan a government's data resource catalog (政务信息资源目录, 2017 guide) and the data items of each entry.

Codes are the classification (类 1 digit = kind, 项 2, 目 3, optional 细目) and a 6-digit sequence number, counted
per classification across the whole database so that codes stay unique when several demo trees share it. Basic
resources are always shared unconditionally (国发〔2016〕51号); "not shared" carries its legal basis and
"conditional" its conditions, so every entry passes ``inventory.models.validate_resource``.
"""

import datetime
import random
from collections import defaultdict

from inventory import choices as c
from inventory.models import RESOURCE_CODE, DataResource

from .catalog import DATA_CLASSES, DEPARTMENTS, OFFICES, SUBUNITS, Res, parse_items
from .catalog.common import AGGREGATE_ASPECTS, ASPECTS, CONDITIONS, LEGAL_BASES, SUBJECT_ITEMS, TAIL_ITEMS, THEMES
from .places import Group, Place, PlannedSystem

RESOURCES_PER_SYSTEM = 3.9
NO_SYSTEM = 0.08  # share of resources kept outside any system (spreadsheets, paper ledgers)
THEMATIC_SHARE = 0.15  # share of a department's long tail filed under its theme
GUIDE_DATE = datetime.date(2017, 6, 1)  # the catalog guide came out in 2017; earlier systems were catalogued later
SHARING = {"u": c.SharingType.UNCONDITIONAL, "c": c.SharingType.CONDITIONAL, "n": c.SharingType.NOT_SHARED}
OPEN = {"o": c.OpenAttribute.OPEN, "c": c.OpenAttribute.CONDITIONAL, "n": c.OpenAttribute.NOT_OPEN}
CYCLE_TEXT = {
    "realtime": "实时",
    "daily": "每日",
    "weekly": "每周",
    "monthly": "每月",
    "quarterly": "每季度",
    "half_yearly": "每半年",
    "yearly": "每年",
    "irregular": "不定期",
}
SUBJECT_SHARE = {"person": "c", "org": "u", "thing": "u", "affair": "c"}


def _categories() -> dict[tuple[str, str], str]:
    """A fixed 目 code for every explicit basic and thematic resource name, in catalog order."""
    numbers: dict[tuple[str, str], str] = {}
    counters: dict[str, int] = defaultdict(int)
    for table in (DEPARTMENTS, SUBUNITS, OFFICES):
        for catalog in table.values():
            for res in catalog.resources:
                bucket = (
                    f"1{res.basic:02d}" if res.basic else f"2{THEMES.index(res.theme) + 1:02d}" if res.theme else ""
                )
                if bucket and (bucket, res.name) not in numbers:
                    counters[bucket] += 1
                    numbers[(bucket, res.name)] = f"{counters[bucket]:03d}"
    return numbers


CATEGORIES = _categories()


class Sequences:
    """The next 6-digit sequence number per classification, continuing after the codes already stored."""

    def __init__(self):
        self.last: dict[str, int] = defaultdict(int)
        for code in DataResource.objects.values_list("code", flat=True).iterator(chunk_size=5000):
            match = RESOURCE_CODE.match(code)
            if match:
                prefix = code.split("/")[0]
                self.last[prefix] = max(self.last[prefix], int(match.group("seq")))

    def next(self, classification: str) -> str:
        self.last[classification] += 1
        if self.last[classification] > 999_999:
            raise OverflowError(f"classification {classification} has used all 6-digit sequence numbers")
        return f"{classification}/{self.last[classification]:06d}"


class ResourcePlanner:
    def __init__(self, rng: random.Random, today: datetime.date, items_cap: int | None = None):
        self.rng = rng
        self.today = today
        self.items_cap = items_cap
        self.sequences = Sequences()

    def plan(self, group: Group) -> None:
        by_place: dict[int, list[PlannedSystem]] = defaultdict(list)
        by_name: dict[tuple[int, str], PlannedSystem] = {}
        for planned in group.systems:
            by_place[id(planned.place)].append(planned)
            if planned.template is not None:
                by_name[(id(planned.origin), planned.template.name)] = planned
        for place in group.places:
            systems = by_place[id(place)]
            own = [s for s in systems if not s.zombie] or systems
            quota = round(len(systems) * RESOURCES_PER_SYSTEM * self.rng.uniform(0.85, 1.15))
            taken: set[str] = set()
            if place.own:
                for index, res in enumerate(place.catalog.resources, 1):
                    holder = by_name.get((id(place), res.system)) if res.system else None
                    self._add(group, place, res, f"{index:03d}", holder or self._holder(own, ""), taken)
            self._long_tail(group, place, own, quota - len(taken), taken)
        self._relate(group)

    def _holder(self, systems: list[PlannedSystem], topic: str) -> PlannedSystem | None:
        rng = self.rng
        if not systems or rng.random() < NO_SYSTEM:
            return None
        # Data lives in back-office systems rather than in the apps and mini-programs in front of them.
        systems = [s for s in systems if s.obj.user_scope != c.UserScope.PUBLIC] or systems
        matching = [s for s in systems if topic and s.topic == topic]
        return rng.choice(matching if matching and rng.random() < 0.7 else systems)

    def _long_tail(self, group: Group, place: Place, systems: list[PlannedSystem], quota: int, taken) -> None:
        """Fill the quota with a business line × an aspect (养老保险 + 变更信息), then yearly editions."""
        rng, catalog = self.rng, place.catalog
        aspects = ASPECTS[catalog.subject]
        combos = [(t, a) for t in range(len(catalog.topics)) for a in range(len(aspects))]
        rng.shuffle(combos)
        editions = [None, *range(self.today.year - 1, 2014, -1)]
        for edition in editions:
            for topic_index, aspect_index in combos:
                if quota <= 0:
                    return
                topic = catalog.topics[topic_index]
                aspect, items, share, cycle, fmt, open_ = aspects[aspect_index]
                name = topic + aspect + (f"（{edition}年）" if edition else "")
                detail = f"{aspect_index + 1:02d}" + (f"{edition % 100:02d}" if edition else "")
                if catalog.theme and rng.random() < THEMATIC_SHARE:
                    theme = THEMES.index(catalog.theme) + 1
                    classification = f"2{theme:02d}{topic_index + 1:03d}{catalog.number:02d}{detail}"
                else:
                    classification = f"3{catalog.number:02d}{100 + topic_index + 1:03d}{detail}"
                res = Res(
                    name=name,
                    items=self._tail_items(catalog, items, aggregate=aspect in AGGREGATE_ASPECTS),
                    share=share,
                    cycle="yearly" if edition else cycle,
                    fmt=fmt,
                    open=open_,
                    data="i" if catalog.subject == "person" and rng.random() < 0.3 else "g",
                )
                if self._add(group, place, res, classification, self._holder(systems, topic), taken, topic=topic):
                    quota -= 1

    def _tail_items(self, catalog, aspect_items: str, aggregate: bool) -> str:
        rng = self.rng
        subject = SUBJECT_ITEMS[catalog.subject].split()
        pool = catalog.items.split()
        chosen = [] if aggregate else subject[:2] + rng.sample(subject[2:], rng.randint(0, 2))
        chosen += aspect_items.split()
        chosen += rng.sample(pool, min(len(pool), rng.randint(1 if aggregate else 2, 5)))
        chosen += TAIL_ITEMS.split()[: rng.randint(1, 2)]
        return " ".join(dict.fromkeys(chosen))

    def _add(self, group, place, res: Res, classification, holder, taken, topic: str = "") -> bool:
        rng = self.rng
        if res.name in taken:
            return False
        taken.add(res.name)
        if res.basic:
            kind, classification = c.CatalogKind.BASIC, f"1{res.basic:02d}{CATEGORIES[(f'1{res.basic:02d}', res.name)]}"
        elif res.theme:
            bucket = f"2{THEMES.index(res.theme) + 1:02d}"
            kind, classification = c.CatalogKind.THEMATIC, bucket + CATEGORIES[(bucket, res.name)]
        elif len(classification) == 3:  # an explicit departmental resource: its position is the 目
            kind, classification = c.CatalogKind.DEPARTMENTAL, f"3{place.catalog.number:02d}{classification}"
        else:
            kind = c.CatalogKind.THEMATIC if classification[0] == "2" else c.CatalogKind.DEPARTMENTAL
        sharing = self._sharing(place, res, kind)
        resource = DataResource(
            kind=kind,
            class_code=classification[0],
            item_code=classification[1:3],
            category_code=classification[3:6],
            detail_code=classification[6:],
            code=self.sequences.next(classification),
            name=res.name,
            provider=place.unit,
            format=res.fmt or c.ResourceFormat.DATABASE,
            sharing_type=sharing,
            sharing_method=rng.choices(list(c.SharingMethod), [85, 5, 10])[0],
            open_attribute=self._open(place, res, sharing),
            update_cycle=res.cycle or rng.choice(["realtime", "daily", "daily", "monthly", "irregular"]),
            system=holder.obj if holder else None,
            data_class=DATA_CLASSES[res.data],
        )
        if res.basic and place.level == "p" and res.data == "i":
            resource.data_class = c.DataClass.CORE  # a province's population or base-map master data
        if sharing == c.SharingType.CONDITIONAL:
            resource.sharing_conditions = res.basis or rng.choice(CONDITIONS).format(topic=topic or res.name)
        elif sharing == c.SharingType.NOT_SHARED:
            resource.sharing_conditions = res.basis or rng.choice(LEGAL_BASES)
        items = parse_items(res.items)
        if self.items_cap:
            items = items[: self.items_cap]
        owner = place.unit.short_name or place.unit.name
        names = "、".join(name for name, _ in items[:4])
        resource.abstract = f"{owner}{res.name}，包括{names}等信息项，{CYCLE_TEXT[resource.update_cycle]}更新。"
        start = GUIDE_DATE
        if holder and holder.obj.go_live_date and holder.obj.go_live_date > start:
            start = holder.obj.go_live_date
        if start < self.today:
            resource.publication_date = start + datetime.timedelta(days=rng.randint(0, (self.today - start).days))
        group.resources.append((resource, items))
        if holder:
            holder.resources.append(resource)
            if resource.data_class == c.DataClass.CORE or (
                resource.data_class == c.DataClass.IMPORTANT and holder.obj.data_class == c.DataClass.GENERAL
            ):
                holder.obj.data_class = resource.data_class
        return True

    def _sharing(self, place: Place, res: Res, kind: str) -> str:
        """Sharing is the rule, non-sharing the exception (国发〔2016〕51号); basic data is unconditional."""
        if kind == c.CatalogKind.BASIC:
            return c.SharingType.UNCONDITIONAL
        rng = self.rng
        share = res.share or SUBJECT_SHARE[place.catalog.subject]
        if place.catalog.closed and share == "u" and not res.share:
            share = "c"
        roll = rng.random()
        if not res.basis and roll < 0.04:
            share = "n"
        elif roll < 0.18 and share != "n":
            share = "c" if share == "u" else "u"
        return SHARING[share]

    def _open(self, place: Place, res: Res, sharing: str) -> str:
        value = OPEN[res.open or "n"]
        if sharing == c.SharingType.NOT_SHARED or place.catalog.closed or "公民身份号码" in res.items:
            return c.OpenAttribute.NOT_OPEN  # personal records and closed data are never opened
        return value

    def _relate(self, group: Group) -> None:
        """Link departmental entries to the basic resource about the same subject (人口, 法人, 空间地理)."""
        rng = self.rng
        basics: dict[str, str] = {}
        for resource, _ in group.resources:
            if resource.kind == c.CatalogKind.BASIC:
                subject = {"01": "person", "02": "org", "03": "thing"}.get(resource.item_code)
                if subject and subject not in basics:
                    basics[subject] = resource.code
        by_provider: dict[int, list[DataResource]] = defaultdict(list)
        for resource, _ in group.resources:
            by_provider[id(resource.provider)].append(resource)
        subjects = {id(place.unit): place.catalog.subject for place in group.places}
        for resource, _ in group.resources:
            if resource.kind == c.CatalogKind.BASIC:
                continue
            related = []
            basic = basics.get(subjects.get(id(resource.provider), ""))
            if basic and rng.random() < 0.3:
                related.append(basic)
            siblings = by_provider[id(resource.provider)]
            if len(siblings) > 1 and rng.random() < 0.15:
                other = rng.choice(siblings)
                if other is not resource:
                    related.append(other.code)
            resource.related_codes = ",".join(related)
