"""Notifications: reminders of deadlines and escalations, delivered inside govcio.

``notify`` is idempotent per (recipient, key): a daily reminder run may find the same overdue item again and the
recipient still sees it once. Modules build keys from what they remind of and the stage, e.g.
``"security.finding:42:overdue"``.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import Notification


def notify(recipients, *, key: str, title: str, body: str = "", url: str = "", level: str = "info") -> int:
    """Create the notification for each recipient that does not have ``key`` yet; return how many were new."""
    created = 0
    for user in {u for u in recipients if u is not None and u.is_active}:
        try:
            with transaction.atomic():
                Notification.objects.create(
                    recipient=user, key=key[:120], title=title[:200], body=body, url=url[:255], level=level
                )
        except IntegrityError:
            continue
        created += 1
    return created


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user, ids=None) -> int:
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.update(read_at=timezone.now())
