"""The zombie check (僵尸系统, 国办发〔2017〕39号; DOMAIN.md §3) and the clean-up decision on a candidate.

A system is a candidate when any one of the five criteria holds:

(a) its use has long been detached from the real business — running, no public service item, no recorded users,
    last active longer ago than ``zombie.detached.inactive_months``;
(b) its functions can be replaced by another system — a running system of the same government, used at least as
    much, has a near-identical name/purpose (:mod:`inventory.duplicates`);
(c) its resources sit idle — last active longer ago than ``zombie.idle.inactive_months``;
(d) maintenance has stopped — the O&M contract has ended, or the system is suspended;
(e) few people use it — fewer recorded users than ``zombie.few_users`` allows for its audience.

Only running and suspended systems are evaluated. Unknown values (no last-active date, no user count) never make a
criterion hold: the data-quality checks report them instead. The thresholds live in
``inventory/data/zombie_rules.yaml``. The evaluation is set-based: (a), (c), (d) and (e) are conditions evaluated
in SQL (:func:`criteria`), (b) compares names in Python once per change of its inputs (:func:`replacements`), so it
costs the same few queries at a county or a city.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from hashlib import sha256

from django.core.cache import cache
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, Max, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.models import Unit
from inventory import choices as c
from inventory.duplicates import RECORD_FIELDS, build_records, load_records, name_floor, similar_groups, weighted
from inventory.models import ServiceItem, ZombieReview
from inventory.rules import Rules, SimilarityRules, rules

CRITERIA = {
    "a": gettext_lazy("Detached from real business"),
    "b": gettext_lazy("Replaceable by another system"),
    "c": gettext_lazy("Resources idle"),
    "d": gettext_lazy("Maintenance stopped"),
    "e": gettext_lazy("Few users, rarely used"),
}
EVALUATED = (c.SystemStatus.RUNNING, c.SystemStatus.SUSPENDED)
CACHE_SECONDS = 600  # bounds how long a change made behind the services' back (a raw UPDATE) can go unseen


@dataclass
class Finding:
    code: str
    text: Callable[[], str]  # the reason in words, formatted only when shown (the overview only counts)

    @property
    def reason(self) -> str:
        return self.text()

    @property
    def label(self) -> str:
        return str(CRITERIA[self.code])


@dataclass
class Replacement:
    pk: int
    name: str
    unit_name: str
    similarity: float


@dataclass
class ZombieCandidate:
    pk: int
    name: str
    code: str
    status: str
    unit_id: int
    unit_name: str
    findings: list[Finding] = field(default_factory=list)
    replacement: Replacement | None = None
    review: ZombieReview | None = None  # the latest decision, filled in by the page

    @property
    def codes(self) -> list[str]:
        return [finding.code for finding in self.findings]

    @property
    def reasons(self) -> str:
        return " ".join(finding.reason for finding in self.findings)

    @property
    def status_label(self) -> str:
        return str(c.SystemStatus(self.status).label)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return dt.date(year, month, min(day.day, (following - dt.timedelta(days=1)).day))


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole calendar months from ``earlier`` to ``later``."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - (1 if later.day < earlier.day else 0)


def ago(day: dt.date, today: dt.date) -> str:
    months = months_between(day, today)
    if months < 1:
        return _("less than a month ago")
    return ngettext("{n} month ago", "{n} months ago", months).format(n=months)


def detached_text(last_active: dt.date, today: dt.date) -> str:
    return _("Running with no public service item and no recorded users; last active {date}, {ago}.").format(
        date=last_active.isoformat(), ago=ago(last_active, today)
    )


def replaceable_text(replacement: Replacement) -> str:
    # Translators: {score} is a percentage.
    # xgettext:no-python-format
    return _("Near-identical to “{name}” of {unit} ({score}% similar).").format(
        name=replacement.name, unit=replacement.unit_name, score=round(replacement.similarity * 100)
    )


def idle_text(last_active: dt.date, today: dt.date) -> str:
    return _("Last active {date}, {ago}.").format(date=last_active.isoformat(), ago=ago(last_active, today))


def suspended_text() -> str:
    return _("Suspended.")


def contract_text(end: dt.date, today: dt.date) -> str:
    return _("O&M contract ended {date}, {ago}.").format(date=end.isoformat(), ago=ago(end, today))


def users_text(users: int, limit: int, internal: bool) -> str:
    if internal:
        text = ngettext("{n} internal user, fewer than {limit}.", "{n} internal users, fewer than {limit}.", users)
    else:
        text = ngettext("{n} user, fewer than {limit}.", "{n} users, fewer than {limit}.", users)
    return text.format(n=users, limit=limit)


def criteria(today: dt.date, z) -> dict[str, Q]:
    """Criteria (a), (c), (d) and (e) as conditions on a system: the one definition that both the candidate list
    (as flags) and the overview (as counts) evaluate in SQL. Unknown values never match (NULL compares false)."""
    # Whether any public service item names the system, wherever the item sits: a system serving another
    # government's item still serves real business. Only a yes/no about a visible system is read.
    delivers = Exists(ServiceItem.systems.through.objects.filter(system_id=OuterRef("pk")))
    internal = Q(user_scope=c.UserScope.INTERNAL)
    return {
        "a": Q(status=c.SystemStatus.RUNNING)
        & ~Q(delivers)
        & (Q(user_count__isnull=True) | Q(user_count=0))
        & Q(last_active_date__lt=months_before(today, z.detached_months)),
        "c": Q(last_active_date__lt=months_before(today, z.idle_months)),
        "d": Q(status=c.SystemStatus.SUSPENDED)
        | Q(om_contract_end__lt=today - dt.timedelta(days=z.unmaintained_grace_days)),
        "e": (internal & Q(user_count__lt=z.internal_users_below))
        | (~internal & Q(user_count__lt=z.public_users_below)),
    }


def zombie_q(queryset, *, today: dt.date | None = None, settings: Rules | None = None) -> Q:
    """A condition matching exactly the candidates among ``queryset``, for counting them in SQL (the overview).
    Criterion (b) is found first, in Python (see :func:`replacements`), and enters as a list of ids."""
    today = today or timezone.localdate()
    settings = settings or rules()
    flagged = replacements(queryset, settings)
    found = Q(pk__in=list(flagged))
    for condition in criteria(today, settings.zombie).values():
        found |= condition
    return Q(status__in=EVALUATED) & found


def zombie_candidates(
    queryset, *, today: dt.date | None = None, settings: Rules | None = None
) -> list[ZombieCandidate]:
    """The candidates among ``queryset`` (already restricted by the caller), in code order.

    Replacements for criterion (b) are looked for among the same ``queryset``, so nothing outside the caller's
    scope is ever named."""
    today = today or timezone.localdate()
    settings = settings or rules()
    z = settings.zombie
    flags = {
        f"is_{code}": ExpressionWrapper(condition, output_field=BooleanField())
        for code, condition in criteria(today, z).items()
    }
    fields = ("user_scope", "last_active_date", "om_contract_end", *flags)
    rows = list(
        queryset.filter(status__in=EVALUATED).annotate(**flags).order_by("code").values(*RECORD_FIELDS, *fields)
    )
    found_b = replacements(queryset, settings, rows=rows)
    found = []
    for row in rows:
        findings = []
        last_active, users, end = row["last_active_date"], row["user_count"], row["om_contract_end"]
        if row["is_a"]:
            findings.append(Finding("a", partial(detached_text, last_active, today)))
        replacement = found_b.get(row["pk"])
        if replacement is not None:
            findings.append(Finding("b", partial(replaceable_text, replacement)))
        if row["is_c"]:
            findings.append(Finding("c", partial(idle_text, last_active, today)))
        if row["is_d"]:
            suspended = row["status"] == c.SystemStatus.SUSPENDED
            findings.append(Finding("d", suspended_text if suspended else partial(contract_text, end, today)))
        if row["is_e"]:
            internal = row["user_scope"] == c.UserScope.INTERNAL
            limit = z.internal_users_below if internal else z.public_users_below
            findings.append(Finding("e", partial(users_text, users, limit, internal)))
        if findings:
            found.append(
                ZombieCandidate(
                    pk=row["pk"],
                    name=row["name"],
                    code=row["code"],
                    status=row["status"],
                    unit_id=row["owner_unit_id"],
                    unit_name=row["owner_unit__name"],
                    findings=findings,
                    replacement=replacement,
                )
            )
    return found


def replacements(queryset, settings: Rules, *, rows: list[dict] | None = None) -> dict[int, Replacement]:
    """Criterion (b) for the evaluated systems of ``queryset``, cached while its inputs stay the same.

    Comparing thousands of names costs far more than two small aggregates, so the result is kept (for up to
    ``CACHE_SECONDS``) under the scope's SQL and a fingerprint of everything it depends on: the evaluated systems
    (every write through the services bumps ``version`` and ``updated_at``; adding or deleting changes the count
    and the sum of ids), the organisation tree (names and places give the governments) and the rules. ``rows``
    (holding ``RECORD_FIELDS``) saves the query when the caller has read them anyway."""
    evaluated = queryset.filter(status__in=EVALUATED)
    if evaluated.query.is_empty():
        return {}
    inputs = (str(evaluated.query), fingerprint(evaluated), settings)
    key = "inventory.zombies.b:" + sha256(repr(inputs).encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        sim = settings.similarity
        records = build_records(rows, sim) if rows is not None else load_records(evaluated, sim)
        found = replaceable_among(records, settings.zombie.replaceable_similarity, sim)
        cache.set(key, found, CACHE_SECONDS)
    return found


def fingerprint(queryset) -> tuple:
    changes = {"n": Count("pk"), "ids": Sum("pk"), "versions": Sum("version"), "last": Max("updated_at")}
    # The tree only shapes the comparison (which governments, which names to strip); nothing of it is shown.
    return (
        tuple(queryset.order_by().aggregate(**changes).values()),
        tuple(Unit.objects.order_by().aggregate(**changes).values()),
    )


def replaceable_among(records, threshold: float, sim: SimilarityRules) -> dict[int, Replacement]:
    """Criterion (b): for each record, the best running system of the same government that could replace it.

    "The same government" is the nearest government at or above the owning units: a county's departments and their
    subordinate units, or one township's offices — every department's own OA or website is the classic case.
    Copies at different levels or in different counties are duplicate construction, shown on the duplicates page.
    Of two twins the less used one is flagged (both, when they are used alike), so the replacement named is the
    one worth keeping. Comparing within each government also keeps the work small at city scale."""
    by_government: dict[str, list] = defaultdict(list)
    for record in records:
        if record.governments:
            by_government[record.governments[0]].append(record)
    floor = name_floor(threshold, sim, with_data=False)
    best: dict[int, tuple[tuple, Replacement]] = {}
    for members in by_government.values():
        for group, other, name, purpose in similar_groups(members, floor, sim.max_postings):
            score = weighted([(name, sim.name_weight), (purpose, sim.purpose_weight)])
            if score < threshold:
                continue
            for these, those in ((group, group),) if group is other else ((group, other), (other, group)):
                peers = sorted(
                    (r for r in those if r.status == c.SystemStatus.RUNNING),
                    key=lambda r: (-(r.user_count or 0), r.code),
                )
                for this in these:
                    peer = next((p for p in peers if p.pk != this.pk), None)
                    if peer is None or (peer.user_count or 0) < (this.user_count or 0):
                        continue
                    rank = (score, peer.user_count or 0)
                    if this.pk not in best or rank > best[this.pk][0]:
                        best[this.pk] = (rank, Replacement(peer.pk, peer.name, peer.unit_name, score))
    return {pk: replacement for pk, (_rank, replacement) in best.items()}


def latest_reviews(user, system_ids) -> dict[int, ZombieReview]:
    """The latest decision on each of ``system_ids`` that the user may see (one query)."""
    latest: dict[int, ZombieReview] = {}
    reviews = (
        ZombieReview.objects.restrict(user, "view")
        .filter(system_id__in=list(system_ids))
        .select_related("target_system__owner_unit", "decided_by")
        .order_by("system_id", "-created_at", "-id")
    )
    for review in reviews:
        latest.setdefault(review.system_id, review)
    return latest
