"""A change to a system's business, data or service scope marks its grading for review (DOMAIN.md §3: "Regrade when
the business, data or service scope changes"; GB/T 22240-2020 §5.4 on changes of the graded object).

What counts as scope:

- business: the system's ``purpose``; the public service items it delivers (ServiceItem.systems);
- service: whom it serves (``user_scope``), how many (``user_count``, when the order of magnitude changes: 800 → 1,200
  users is not a new system, 800 → 12,000 is) and where it is reachable (``network``: moving onto the internet
  changes who can harm the service);
- data: the system's ``data_class`` (core / important / general data) and the catalog resources it holds
  (DataResource.system).

Hosting, technology, vendor and costs are not scope. The rules below are registered with ``core.rules`` for the
inventory's models (``register``, from the app's ``ready``); the services call them on every write path — page, API,
bulk edit, import, delete, bulk delete — with a whole batch, which is marked in one statement and one audit batch.
"""

from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, bulk, rules
from core.choices import AuditAction
from inventory.models import DataResource, ServiceItem, System

from ..models import Grading

SYSTEM_FIELDS = {
    "purpose": lambda: _("The system's purpose (business scope) changed."),
    "user_scope": lambda: _("The system's users (service scope) changed."),
    "network": lambda: _("The network the system is reachable from (service scope) changed."),
    "data_class": lambda: _("The system's data classification (data scope) changed."),
}


def magnitude(count) -> int:
    return len(str(count)) if count else 0


@transaction.atomic
def mark_for_review(*, reasons: dict, actor=None) -> int:
    """Flag the grading of each system in ``reasons`` (system id → why its scope changed) with the dated reason, in
    one statement per chunk and one audit batch. Cleared when the grading is filed again. Returns how many."""
    wanted = {pk: text for pk, text in reasons.items() if pk and text}
    if not wanted:
        return 0
    today = timezone.localdate().isoformat()
    gradings = []
    for chunk in bulk.chunked(sorted(wanted)):
        gradings += Grading.objects.filter(system_id__in=chunk).select_related("system__owner_unit")
    rows, entries = [], []
    for grading in gradings:
        reason = wanted[grading.system_id]
        line = f"{today} {reason}"
        lines = [text for text in grading.review_reason.splitlines() if text.strip()]
        if line not in lines:
            lines.append(line)
        rows.append((True, "\n".join(lines), grading.pk))
        changes = {"needs_review": [grading.needs_review, True], "reason": reason}
        entries.append(
            audit.object_entry(
                action=AuditAction.EVENT, obj=grading, actor=actor, changes=changes, event="grading.review_needed"
            )
        )
    bulk.update_rows(Grading, ["needs_review", "review_reason"], rows, increment=["version"])
    audit.append_many(entries)
    return len(rows)


def _mark(reasons: dict[int, list[str]], actor) -> None:
    mark_for_review(reasons={pk: " ".join(dict.fromkeys(texts)) for pk, texts in reasons.items()}, actor=actor)


def systems_changed(changes: list[rules.Change], *, actor) -> None:
    reasons = defaultdict(list)
    for change in changes:
        if change.kind != rules.UPDATE:
            continue
        texts = [SYSTEM_FIELDS[name]() for name in SYSTEM_FIELDS if name in change]
        if "user_count" in change and magnitude(change.before("user_count")) != magnitude(change.after("user_count")):
            texts.append(_("The number of users changed by an order of magnitude (service scope)."))
        reasons[change.obj.pk] += texts
    _mark(reasons, actor)


def resources_changed(changes: list[rules.Change], *, actor) -> None:
    """Resources added to a system, deleted from it or moved between systems (data scope)."""
    reasons = defaultdict(list)
    for change in changes:
        if "system" not in change:
            continue
        name = change.obj.name
        before, after = change.before("system"), change.after("system")
        if change.kind == rules.CREATE:
            reasons[after].append(
                _("The data resource “{name}” was added to the system (data scope).").format(name=name)
            )
        elif change.kind == rules.DELETE:
            reasons[before].append(_("The data resource “{name}” was deleted (data scope).").format(name=name))
        else:
            text = _("The data resource “{name}” moved between systems (data scope).").format(name=name)
            reasons[before].append(text)
            reasons[after].append(text)
    _mark(reasons, actor)


def service_items_changed(changes: list[rules.Change], *, actor) -> None:
    """Public service items added to or removed from systems, or deleted (business scope)."""
    reasons = defaultdict(list)
    changed = _("The public service items the system delivers changed (business scope).")
    deleted = {change.obj.pk: change.obj for change in changes if change.kind == rules.DELETE}
    through = ServiceItem.systems.through
    for chunk in bulk.chunked(sorted(deleted)):
        for item_id, system_id in through.objects.filter(serviceitem_id__in=chunk).values_list(
            "serviceitem_id", "system_id"
        ):
            text = _("The public service item “{name}” was deleted (business scope).")
            reasons[system_id].append(text.format(name=deleted[item_id].name))
    for change in changes:
        if change.kind != rules.DELETE and "systems" in change:
            for system_id in set(change.before("systems") or ()) ^ set(change.after("systems") or ()):
                reasons[system_id].append(changed)
    _mark(reasons, actor)


def register() -> None:
    from core.models import CalendarYear

    from .schedule import year_loaded

    rules.register(System, systems_changed)
    rules.register(CalendarYear, year_loaded)  # provisional deadlines recomputed on the year's calendar
    rules.register(DataResource, resources_changed)
    rules.register(ServiceItem, service_items_changed)
