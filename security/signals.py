"""A change to a system's business, data or service scope marks its grading for review (DOMAIN.md §3: "Regrade when
the business, data or service scope changes"; GB/T 22240-2020 §5.4 on changes of the graded object).

What counts as scope:

- business: the system's ``purpose``; the public service items it delivers (ServiceItem.systems);
- service: whom it serves (``user_scope``), how many (``user_count``, when the order of magnitude changes: 800 → 1,200
  users is not a new system, 800 → 12,000 is) and where it is reachable (``network``: moving onto the internet
  changes who can harm the service);
- data: the system's ``data_class`` (core / important / general data) and the catalog resources it holds
  (DataResource.system).

Hosting, technology, vendor and costs are not scope. Updates go through ``core.services.object_update`` as single
UPDATE statements, so they arrive through its ``object_updated`` signal rather than ``post_save``.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from django.utils.translation import gettext as _

from core.services import object_updated
from inventory.models import DataResource, ServiceItem, System

from .services.grading import mark_for_review

SYSTEM_FIELDS = {
    "purpose": lambda: _("The system's purpose (business scope) changed."),
    "user_scope": lambda: _("The system's users (service scope) changed."),
    "network": lambda: _("The network the system is reachable from (service scope) changed."),
    "data_class": lambda: _("The system's data classification (data scope) changed."),
}


def magnitude(count) -> int:
    return len(str(count)) if count else 0


@receiver(object_updated, sender=System, dispatch_uid="security.system_scope")
def system_changed(sender, obj, changes, actor=None, **kwargs):
    reasons = [SYSTEM_FIELDS[name]() for name in SYSTEM_FIELDS if name in changes]
    if "user_count" in changes:
        before, after = changes["user_count"]
        if magnitude(before) != magnitude(after):
            reasons.append(_("The number of users changed by an order of magnitude (service scope)."))
    if reasons:
        mark_for_review(system_ids=[obj.pk], reason=" ".join(reasons), actor=actor)


@receiver(object_updated, sender=DataResource, dispatch_uid="security.resource_moved")
def resource_changed(sender, obj, changes, actor=None, **kwargs):
    if "system" in changes:
        reason = _("The data resource “{name}” moved between systems (data scope).").format(name=obj.name)
        mark_for_review(system_ids=set(changes["system"]), reason=reason, actor=actor)


@receiver(post_save, sender=DataResource, dispatch_uid="security.resource_added")
def resource_added(sender, instance, created, raw=False, **kwargs):
    if created and not raw and instance.system_id:
        reason = _("The data resource “{name}” was added to the system (data scope).").format(name=instance.name)
        mark_for_review(system_ids=[instance.system_id], reason=reason, actor=instance.created_by)


@receiver(post_delete, sender=DataResource, dispatch_uid="security.resource_removed")
def resource_removed(sender, instance, **kwargs):
    if instance.system_id:
        reason = _("The data resource “{name}” was deleted (data scope).").format(name=instance.name)
        mark_for_review(system_ids=[instance.system_id], reason=reason)


@receiver(m2m_changed, sender=ServiceItem.systems.through, dispatch_uid="security.service_items")
def service_items_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Public service items added to or removed from systems (business scope), from either side."""
    if action not in {"post_add", "post_remove", "pre_clear"}:
        return
    if action == "pre_clear":
        related = instance.service_items if reverse else instance.systems
        pk_set = set(related.values_list("pk", flat=True))
    if not pk_set:
        return
    system_ids = [instance.pk] if reverse else pk_set
    reason = _("The public service items the system delivers changed (business scope).")
    mark_for_review(system_ids=system_ids, reason=reason)


@receiver(pre_delete, sender=ServiceItem, dispatch_uid="security.service_item_deleted")
def service_item_deleted(sender, instance, **kwargs):
    system_ids = list(instance.systems.values_list("pk", flat=True))
    if system_ids:
        reason = _("The public service item “{name}” was deleted (business scope).").format(name=instance.name)
        mark_for_review(system_ids=system_ids, reason=reason)
