"""Failed sign-in attempts per client address, counted in a fixed window in the database.

A per-account limit already exists (the lockout on ``User.failed_logins``); this one holds back an address that
guesses across many accounts. The counter is a database row, not process memory, so that several gunicorn workers
and app servers see the same count; only failures count, so an office behind one NAT address is not held back by
its colleagues' successful logins.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import AuthThrottle


def address_key(ip: str) -> str:
    return f"ip:{ip}"[:100]


def _window() -> timedelta:
    return timedelta(minutes=settings.GOVCIO_IP_FAILURE_WINDOW_MINUTES)


def blocked(key: str) -> bool:
    limit = settings.GOVCIO_IP_FAILURE_LIMIT
    if not limit:
        return False
    cutoff = timezone.now() - _window()
    return AuthThrottle.objects.filter(key=key, window_start__gte=cutoff, failures__gte=limit).exists()


def failed(key: str) -> None:
    """Count one failure for ``key``; a window that has run out starts again at one."""
    now = timezone.now()
    cutoff = now - _window()
    if AuthThrottle.objects.filter(key=key, window_start__gte=cutoff).update(failures=F("failures") + 1):
        return
    if AuthThrottle.objects.filter(key=key).update(window_start=now, failures=1):
        return
    AuthThrottle.objects.filter(window_start__lt=cutoff).delete()  # old windows of other addresses
    try:
        with transaction.atomic():
            AuthThrottle.objects.create(key=key, window_start=now, failures=1)
    except IntegrityError:  # another worker created it meanwhile
        AuthThrottle.objects.filter(key=key).update(failures=F("failures") + 1)


def minutes_left(key: str) -> int:
    row = AuthThrottle.objects.filter(key=key).values_list("window_start", flat=True).first()
    if row is None:
        return 0
    left = row + _window() - timezone.now()
    return max(1, int(left.total_seconds() // 60) + 1)
