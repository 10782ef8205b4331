"""Near-identical systems: duplicate construction (重复建设, 国办发〔2019〕57号) and zombie criterion (b).

Names and purposes are compared as sets of character bigrams (Jaccard), after normalising the Chinese text:
full-width to half-width, punctuation dropped, the owning government's and department's names stripped from the
front ("北源县不动产登记系统" and "南河县不动产登记系统" both become "不动产登记"), and generic words ("系统",
"平台") removed.

Pairs are not found by comparing every system with every other (O(n²) at 6k systems): names are blocked with
prefix filtering — order bigrams from rare to common; two names with Jaccard ≥ t must share one of the first
``|x| − ⌈t·|x|⌉ + 1`` bigrams of each — so only systems sharing a rare bigram are ever compared, and no pair above
the floor is missed. Systems with the same normalised name and purpose are compared once, as a group
(:func:`similar_groups`). The duplicates page joins the pairs into groups (:mod:`inventory.duplicate_groups`).
"""

import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations, product

from core.choices import GOVERNMENT_KINDS
from core.models import Unit
from core.tree import ancestor_paths
from inventory.models import DataItem, DataResource
from inventory.rules import SimilarityRules, rules

NON_WORD = re.compile(r"[\W_]+")
LEVEL_SUFFIX = re.compile(r"(自治县|自治州|街道|县|区|市|镇|乡|省)$")


@dataclass
class Record:
    """What the comparison needs of one system."""

    pk: int
    name: str
    code: str
    status: str
    user_count: int | None
    vendor: str
    unit_id: int
    unit_name: str
    unit_path: str
    governments: tuple[str, ...]  # paths of the governments at or above the owning unit, nearest first
    name_tokens: frozenset = field(default_factory=frozenset)
    purpose_tokens: frozenset = field(default_factory=frozenset)
    prefixes: tuple[str, ...] = ()  # names stripped from the front of its texts


@dataclass
class Candidate:
    """Two near-identical systems and the evidence, ``a`` before ``b`` in code order."""

    a: Record
    b: Record
    score: float
    name_similarity: float
    purpose_similarity: float | None  # None when either purpose is empty
    data_similarity: float | None = None  # None when either holds no data resource
    shared_resources: list[str] = field(default_factory=list)
    shared_items: list[str] = field(default_factory=list)
    same_vendor: bool | None = None  # None when either vendor is unknown

    @property
    def cross_government(self) -> bool:
        return self.a.governments[:1] != self.b.governments[:1]


def bigrams(text: str) -> frozenset:
    if len(text) < 2:
        return frozenset([text]) if text else frozenset()
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


def jaccard(x: frozenset, y: frozenset) -> float:
    if not x or not y:
        return 0.0
    common = len(x & y)
    return common / (len(x) + len(y) - common)


def base_name(name: str) -> str:
    """A government's name without its level ("北源县" → "北源"), as system names often drop it."""
    stripped = LEVEL_SUFFIX.sub("", name)
    return stripped if len(stripped) >= 2 else name


@lru_cache(maxsize=100_000)
def clean(text: str) -> str:
    return NON_WORD.sub("", unicodedata.normalize("NFKC", text or "").lower())


def normalise(text: str, prefixes: tuple[str, ...], generic: tuple[str, ...] = ()) -> str:
    """Cleaned text without the first matching prefix (longest first), then without generic words."""
    text = clean(text)
    for rounds in (prefixes, prefixes):  # government name, then the department's own name after it
        for prefix in rounds:
            if prefix and text.startswith(prefix) and len(text) > len(prefix):
                text = text[len(prefix) :]
                break
    specific = text
    for word in generic:
        specific = specific.replace(word, "")
    return specific or text


class TokenCache:
    """The bigrams of normalised texts, memoised per way of normalising (a unit's prefixes and the generic words):
    texts rarely change, so a page mostly pays for new ones. Bounded: cleared when it grows past ``limit``."""

    def __init__(self, limit: int = 200_000):
        self.limit = limit
        self.size = 0
        self.by_rule: dict[tuple, dict[str, frozenset]] = {}

    def table(self, prefixes: tuple[str, ...], generic: tuple[str, ...]):
        """A function text → bigrams for one normalisation rule (look it up once per unit, call it per row)."""
        if self.size > self.limit:
            self.by_rule.clear()
            self.size = 0
        memo = self.by_rule.setdefault((prefixes, generic), {})

        def tokens(text: str) -> frozenset:
            found = memo.get(text)
            if found is None:
                found = memo[text] = bigrams(normalise(text, prefixes, generic))
                self.size += 1
            return found

        return tokens


TOKENS = TokenCache()


@lru_cache(maxsize=20_000)
def prefixes_for(unit_name: str, unit_short: str, governments: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    """Names to strip from the front of a system's text: its governments' (longest first).

    Only governments, not the owning department: "北源县财政局门户网站" and "北源县司法局门户网站" are two
    departments' own sites, not one system built twice, while "北源县不动产登记系统" and "南河县不动产登记系统"
    are the same system built in two counties."""
    names: set[str] = set()
    for gov_name, gov_short in governments:
        names |= {clean(gov_name), clean(gov_short), clean(base_name(gov_name))}
    # A township "甲县城关镇" also goes by "城关镇" and "城关".
    for gov in [clean(gov_name) for gov_name, _short in governments]:
        for name in list(names):
            if name.startswith(gov) and len(name) > len(gov):
                rest = name[len(gov) :]
                names |= {rest, clean(base_name(rest))}
    return tuple(sorted((n for n in names if len(n) >= 2), key=len, reverse=True))


RECORD_FIELDS = (
    "pk",
    "name",
    "code",
    "purpose",
    "status",
    "user_count",
    "vendor",
    "owner_unit_id",
    "owner_unit__name",
    "owner_unit__short_name",
    "owner_unit__path",
)


def load_records(queryset, settings: SimilarityRules | None = None) -> list[Record]:
    """One query for the systems and one for their governments; text normalised once per text (memoised)."""
    return build_records(list(queryset.order_by("code").values(*RECORD_FIELDS)), settings)


def build_records(rows: list[dict], settings: SimilarityRules | None = None) -> list[Record]:
    """Records from rows holding at least ``RECORD_FIELDS`` (a caller may have read them along with its own)."""
    settings = settings or rules().similarity
    unit_paths = {row["owner_unit__path"] for row in rows}
    paths = unit_paths.union(*(ancestor_paths(path) for path in unit_paths))
    # The names of the owning governments only normalise text; nothing of them is shown, so this lookup of the
    # ancestors of units the caller may already see needs no gate of its own.
    governments = {
        path: (name, short)
        for path, name, short in Unit.objects.filter(path__in=paths, kind__in=GOVERNMENT_KINDS).values_list(
            "path", "name", "short_name"
        )
    }
    records = []
    per_unit: dict[int, tuple] = {}  # hundreds of units for thousands of systems
    generic = settings.generic_words
    for row in rows:
        unit_id, unit_name, unit_path = row["owner_unit_id"], row["owner_unit__name"], row["owner_unit__path"]
        if unit_id not in per_unit:
            chain = tuple(p for p in [unit_path, *reversed(ancestor_paths(unit_path))] if p in governments)
            names = tuple(governments[p] for p in chain)
            prefixes = prefixes_for(unit_name, row["owner_unit__short_name"], names)
            per_unit[unit_id] = (chain, prefixes, TOKENS.table(prefixes, generic), TOKENS.table(prefixes, ()))
        chain, prefixes, name_tokens, purpose_tokens = per_unit[unit_id]
        records.append(
            Record(
                pk=row["pk"],
                name=row["name"],
                code=row["code"],
                status=row["status"],
                user_count=row["user_count"],
                vendor=clean(row["vendor"]),
                unit_id=unit_id,
                unit_name=unit_name,
                unit_path=unit_path,
                governments=chain,
                name_tokens=name_tokens(row["name"]),
                purpose_tokens=purpose_tokens(row["purpose"]),
                prefixes=prefixes,
            )
        )
    return records


def candidate_pairs(token_sets: list[frozenset], floor: float, max_postings: int):
    """Index pairs ``(j, i)``, ``j < i``, whose Jaccard may reach ``floor`` (prefix filtering), each pair once."""
    df: dict[str, int] = defaultdict(int)
    for tokens in token_sets:
        for token in tokens:
            df[token] += 1
    # One global order, rare bigrams first; the same for every name, as prefix filtering requires.
    rank = {token: n for n, token in enumerate(sorted(df, key=lambda t: (df[t], t)))}
    postings: dict[str, list[int]] = defaultdict(list)
    for i, token_set in enumerate(token_sets):
        size = len(token_set)
        if not size:
            continue
        tokens = sorted(token_set, key=rank.__getitem__)
        seen: set[int] = set()
        for token in tokens[: size - math.ceil(floor * size) + 1]:
            if df[token] > max_postings:
                continue  # too common to pair names by itself
            for j in postings[token]:
                other = len(token_sets[j])
                # Length filter: Jaccard ≥ floor needs the smaller set to be at least floor × the larger.
                if j in seen or min(size, other) < floor * max(size, other):
                    continue
                seen.add(j)
                yield j, i
            postings[token].append(i)


def weighted(parts: list[tuple[float | None, float]]) -> float:
    present = [(value, weight) for value, weight in parts if value is not None and weight > 0]
    total = sum(weight for _value, weight in present)
    return sum(value * weight for value, weight in present) / total if total else 0.0


def name_floor(threshold: float, settings: SimilarityRules, *, with_data: bool) -> float:
    """The least name similarity that can still reach ``threshold``: the score's best case is every other
    similarity at 1 (and the vendor bonus). A higher floor means shorter prefixes and far fewer pairs to check."""
    others = settings.purpose_weight + (settings.data_weight if with_data else 0.0)
    bonus = settings.vendor_bonus if with_data else 0.0
    needed = ((threshold - bonus) * (settings.name_weight + others) - others) / settings.name_weight
    return min(1.0, max(settings.min_name, needed))


def similar_groups(records: list[Record], floor: float, max_postings: int):
    """``(group, other, name_similarity, purpose_similarity)`` for groups of records with the same normalised name
    and purpose whose names are at least ``floor`` similar; a group of two or more also pairs with itself.

    Grouping first keeps the work proportional to the distinct names: two hundred townships registering the
    same "网格化管理平台" are one group, not twenty thousand comparisons."""
    by_key: dict[tuple, list[Record]] = defaultdict(list)
    for record in records:
        if record.name_tokens:
            by_key[(record.name_tokens, record.purpose_tokens)].append(record)
    groups = list(by_key.values())
    for group in groups:
        if len(group) > 1:
            yield group, group, 1.0, 1.0 if group[0].purpose_tokens else None
    token_sets = [group[0].name_tokens for group in groups]
    for j, i in candidate_pairs(token_sets, floor, max_postings):
        x, y = groups[j][0], groups[i][0]
        name = jaccard(x.name_tokens, y.name_tokens)
        if name >= floor:
            purpose = jaccard(x.purpose_tokens, y.purpose_tokens) if x.purpose_tokens and y.purpose_tokens else None
            yield groups[j], groups[i], name, purpose


def duplicate_candidates(
    queryset,
    *,
    threshold: float,
    different_units: bool = True,
    with_data: bool = True,
    involving: set[int] | None = None,
    settings: SimilarityRules | None = None,
) -> list[Candidate]:
    """Near-identical pairs among ``queryset`` (already restricted by the caller), best first.

    ``score`` is the weighted mean of the name, purpose and (with ``with_data``) data-resource-name similarities
    that both systems have evidence for, plus a bonus when both name the same vendor. ``different_units`` drops
    pairs owned by the same unit (duplicate construction is two units building the same thing); ``involving``
    keeps only pairs with one of these system ids (a project proposal checked against the catalogue). Shared data
    items are evidence only: :func:`add_item_evidence` reads them for the pairs actually shown.
    """
    settings = settings or rules().similarity
    records = load_records(queryset, settings)
    floor = name_floor(threshold, settings, with_data=with_data)
    found = []
    for group, other, name, purpose in similar_groups(records, floor, settings.max_postings):
        pairs = combinations(group, 2) if group is other else product(group, other)
        for x, y in pairs:
            if different_units and x.unit_id == y.unit_id:
                continue
            if involving is not None and x.pk not in involving and y.pk not in involving:
                continue
            a, b = (x, y) if x.code < y.code else (y, x)
            found.append(Candidate(a=a, b=b, score=0.0, name_similarity=name, purpose_similarity=purpose))
    if with_data:
        add_resource_evidence(found)
    for c in found:
        if with_data and c.a.vendor and c.b.vendor:
            c.same_vendor = c.a.vendor == c.b.vendor
        c.score = pair_score(
            c.name_similarity, c.purpose_similarity, c.data_similarity, c.same_vendor, settings, with_data=with_data
        )
    result = [c for c in found if c.score >= threshold]
    result.sort(key=lambda c: (-c.score, -c.name_similarity, c.a.code, c.b.code))
    return result


def resource_keys(records) -> dict[int, dict[str, str]]:
    """Each record's data resources as ``{normalised name: name}`` (one query for all of them)."""
    by_pk = {record.pk: record for record in records}
    keys: dict[int, dict[str, str]] = {pk: {} for pk in by_pk}
    if by_pk:
        for system_id, name in DataResource.objects.filter(system_id__in=by_pk).values_list("system_id", "name"):
            keys[system_id][normalise(name, by_pk[system_id].prefixes)] = name
    return keys


def pair_score(name, purpose, data, same_vendor, settings: SimilarityRules, *, with_data: bool = True) -> float:
    parts = [(name, settings.name_weight), (purpose, settings.purpose_weight)]
    if with_data:
        parts.append((data, settings.data_weight))
    return min(1.0, weighted(parts) + (settings.vendor_bonus if with_data and same_vendor else 0.0))


def add_resource_evidence(found: list[Candidate]) -> None:
    """The data resources both systems hold, by normalised name (one query for the paired systems)."""
    keys = resource_keys({r.pk: r for c in found for r in (c.a, c.b)}.values())
    for c in found:
        keys_a, keys_b = keys[c.a.pk], keys[c.b.pk]
        if keys_a and keys_b:
            shared = keys_a.keys() & keys_b.keys()
            c.shared_resources = sorted(keys_a[k] for k in shared)
            c.data_similarity = len(shared) / len(keys_a.keys() | keys_b.keys())


def add_item_evidence(candidates: list[Candidate]) -> None:
    """The data-item names both systems hold (one query), for the candidates shown on a page."""
    ids = {r.pk for c in candidates for r in (c.a, c.b)}
    if not ids:
        return
    items: dict[int, set[str]] = defaultdict(set)
    for system_id, name in DataItem.objects.filter(resource__system_id__in=ids).values_list(
        "resource__system_id", "name"
    ):
        items[system_id].add(clean(name))
    for c in candidates:
        c.shared_items = sorted(items.get(c.a.pk, set()) & items.get(c.b.pk, set()))
