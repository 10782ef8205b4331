"""Groups of near-identical systems for the duplicates page: "this system was built eleven times".

When every county registers the same system, the pairs grow with the square of the copies (a city demo holds some
120k pairs), which no one can read and which take seconds to list. The page therefore joins the pairs of
:func:`inventory.duplicates.duplicate_candidates` into connected groups without listing them one by one: systems with
the same normalised name and purpose are compared once as a block, and a block whose worst possible score (data
sharing nothing) still reaches the threshold is joined whole; only borderline blocks are scored pair by pair, with
their data. The result is exact: two systems are in one group when a chain of pairs at or above the threshold links
them.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations, product

from inventory.duplicates import (
    Record,
    clean,
    jaccard,
    load_records,
    name_floor,
    pair_score,
    resource_keys,
    similar_groups,
)
from inventory.models import DataItem
from inventory.rules import SimilarityRules, rules


@dataclass
class DuplicateGroup:
    members: list[Record]
    score: float  # the weakest link that joined the group
    name_similarity: float
    purpose_similarity: float | None
    shared_resources: list[str] = field(default_factory=list)  # held by two members or more
    shared_vendors: list[str] = field(default_factory=list)
    shared_items: list[str] = field(default_factory=list)  # filled for the groups shown (add_group_items)

    @property
    def governments(self) -> int:
        return len({m.governments[:1] for m in self.members})

    @property
    def cross_government(self) -> bool:
        return self.governments > 1

    @property
    def units(self) -> int:
        return len({m.unit_id for m in self.members})


class _Links:
    """Union-find over record ids, remembering the weakest link of each component."""

    def __init__(self):
        self.parent: dict[int, int] = {}
        self.weakest: dict[int, tuple[float, float, float | None]] = {}

    def find(self, pk: int) -> int:
        self.parent.setdefault(pk, pk)
        while self.parent[pk] != pk:
            self.parent[pk] = self.parent[self.parent[pk]]
            pk = self.parent[pk]
        return pk

    def join(self, x: int, y: int, link: tuple[float, float, float | None]) -> None:
        rx, ry = self.find(x), self.find(y)
        weakest = min(link, self.weakest.get(rx, link), self.weakest.get(ry, link), key=lambda w: w[0])
        if rx != ry:
            self.parent[ry] = rx
        self.weakest[rx] = weakest


def duplicate_groups(queryset, *, threshold: float, settings: SimilarityRules | None = None) -> list[DuplicateGroup]:
    """Groups of systems of different units linked by pairs scoring at least ``threshold``; biggest first."""
    settings = settings or rules().similarity
    records = load_records(queryset, settings)
    blocks = list(similar_groups(records, name_floor(threshold, settings, with_data=True), settings.max_postings))
    data = resource_keys({r.pk: r for block in blocks for r in (*block[0], *block[1])}.values())
    links = _Links()
    for group, other, name, purpose in blocks:
        members = group if group is other else group + other
        if len({m.unit_id for m in members}) < 2:
            continue
        # Worst case: both hold data and share none, no common vendor; best case: identical data and vendor.
        worst = min(pair_score(name, purpose, 0.0, False, settings), pair_score(name, purpose, None, False, settings))
        best = max(pair_score(name, purpose, 1.0, True, settings), pair_score(name, purpose, None, True, settings))
        if best < threshold:
            continue
        if worst >= threshold:
            join_block(links, group, other, (worst, name, purpose))
            continue
        pairs = combinations(group, 2) if group is other else product(group, other)
        for x, y in pairs:
            if x.unit_id == y.unit_id:
                continue
            keys_x, keys_y = data[x.pk], data[y.pk]
            shared = jaccard(frozenset(keys_x), frozenset(keys_y)) if keys_x and keys_y else None
            vendor = bool(x.vendor) and x.vendor == y.vendor
            score = pair_score(name, purpose, shared, vendor, settings)
            if score >= threshold:
                links.join(x.pk, y.pk, (score, name, purpose))
    by_pk = {r.pk: r for r in records}
    components: dict[int, list[Record]] = defaultdict(list)
    for pk in links.parent:
        components[links.find(pk)].append(by_pk[pk])
    found = []
    for root, members in components.items():
        score, name, purpose = links.weakest[root]
        members.sort(key=lambda r: (r.unit_path, r.code))
        found.append(
            DuplicateGroup(
                members=members,
                score=score,
                name_similarity=name,
                purpose_similarity=purpose,
                shared_resources=common(data, members),
                shared_vendors=sorted(v for v, n in Counter(m.vendor for m in members if m.vendor).items() if n > 1),
            )
        )
    found.sort(key=lambda g: (-len(g.members), -g.score, g.members[0].code))
    return found


def join_block(links: _Links, group: list[Record], other: list[Record], link) -> None:
    """Join a block whose every pair of different units passes, with as few links as keep it exact.

    Within one group, every member of one unit pairs with every member of another, so a star suffices. Between two
    groups, each member links to one hub per unit of the other group: any passing pair (x of unit X, y of unit Y)
    is then connected through x — hub(Y) — hub(X) — y, and every link is itself a passing pair."""
    if group is other:
        first = group[0]
        partner = next((m for m in group if m.unit_id != first.unit_id), None)
        if partner is not None:
            for member in group:
                links.join(member.pk, (partner if member.unit_id == first.unit_id else first).pk, link)
        return
    for these, those in ((group, other), (other, group)):
        hubs: dict[int, Record] = {}
        for member in those:
            hubs.setdefault(member.unit_id, member)
        for member in these:
            for unit_id, hub in hubs.items():
                if unit_id != member.unit_id:
                    links.join(member.pk, hub.pk, link)


def common(data: dict[int, dict[str, str]], members: list[Record]) -> list[str]:
    """Data-resource names (by normalised key) held by two members or more, shown by the first holder's name."""
    counts: Counter = Counter()
    names: dict[str, str] = {}
    for member in members:
        for key, name in data[member.pk].items():
            counts[key] += 1
            names.setdefault(key, name)
    return sorted(names[key] for key, n in counts.items() if n > 1)


def add_group_items(groups: list[DuplicateGroup]) -> None:
    """Data-item names held by two members or more (one query), for the groups shown on a page."""
    ids = {m.pk for g in groups for m in g.members}
    if not ids:
        return
    items: dict[int, set[str]] = defaultdict(set)
    for system_id, name in DataItem.objects.filter(resource__system_id__in=ids).values_list(
        "resource__system_id", "name"
    ):
        items[system_id].add(clean(name))
    for group in groups:
        counts = Counter(item for m in group.members for item in items.get(m.pk, ()))
        group.shared_items = sorted(item for item, n in counts.items() if n > 1)
