"""Uploaded import files kept between their steps (the generic import, the DCAT import, the scanner import), in the
database (``core.models.ImportUpload``): the step after the upload may land on any app server or task worker.

An upload is found again by its token and its owner only: anyone else's token is unknown (404). Its bytes are
cleared when its import is committed or cancelled; one the user walked away from is deleted once a day old,
whenever a file is staged (so a busy server stays clean on its own) and by ``govcio cleanup``, which a daily cron job
or systemd timer runs (README).
"""

import io
import secrets
from datetime import timedelta

from django.utils import timezone, translation

from core.models import ImportUpload

MAX_AGE_SECONDS = 24 * 60 * 60


def stage(upload, *, owner, kind: str, params: dict | None = None) -> ImportUpload:
    """Keep ``upload`` (already bounded by the upload policy) for ``owner``; deletes abandoned uploads first."""
    purge()
    upload.seek(0)
    data = b"".join(upload.chunks())
    upload.seek(0)
    unit = getattr(owner, "unit", None)
    return ImportUpload.objects.create(
        token=secrets.token_hex(16),
        owner=owner,
        unit_path=getattr(unit, "path", "") or "",
        kind=kind,
        name=str(upload.name or "")[:255],
        data=data,
        size=len(data),
        params=params or {},
        language=translation.get_language() or "",
        expires_at=timezone.now() + timedelta(seconds=MAX_AGE_SECONDS),
    )


def find(owner, token: str, kind: str | None = None) -> ImportUpload | None:
    """``owner``'s upload under ``token`` (of the import page ``kind`` when given); None for anyone else's."""
    if not token or not str(token).isalnum() or not getattr(owner, "is_authenticated", False):
        return None
    uploads = ImportUpload.objects.filter(token=token, owner=owner, expires_at__gt=timezone.now())
    if kind is not None:
        uploads = uploads.filter(kind=kind)
    return uploads.defer("data").first()  # the bytes (up to GOVCIO_IMPORT_MAX_BYTES) when read: not for a status


def open_file(upload: ImportUpload) -> io.BytesIO:
    handle = io.BytesIO(bytes(upload.data))
    handle.name = upload.name
    return handle


def discard(upload: ImportUpload | None) -> None:
    if upload is not None:
        ImportUpload.objects.filter(pk=upload.pk).delete()


def purge(max_age: float = MAX_AGE_SECONDS, now=None) -> int:
    """Delete uploads past their expiry, or older than ``max_age`` seconds; return how many."""
    now = timezone.now() if now is None else now
    old = ImportUpload.objects.filter(created_at__lt=now - timedelta(seconds=max_age))
    expired = ImportUpload.objects.filter(expires_at__lte=now) | old
    removed, _ = expired.exclude(state__in=ImportUpload.RUNNING).delete()
    return removed
