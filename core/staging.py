"""Uploaded import files kept between the preview and the commit (the generic import, the DCAT import, the scanner
import), in ``MEDIA_ROOT/imports``.

A staged file is deleted when its import is committed or cancelled. One the user walked away from is deleted once
it is a day old: whenever a file is staged (so a busy server stays clean on its own) and by ``govcio cleanup``,
which a daily cron job or systemd timer runs (README).
"""

import os
import time
from pathlib import Path

from django.conf import settings

from core.files import private_dir

MAX_AGE_SECONDS = 24 * 60 * 60


def staging_dir() -> Path:
    return private_dir(Path(settings.MEDIA_ROOT) / "imports")


def stage(upload, path: Path) -> Path:
    """Write ``upload`` to ``path`` (inside the staging directory), a new file only the owner may read (0600),
    clearing abandoned files first."""
    purge()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    upload.seek(0)
    with os.fdopen(fd, "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    upload.seek(0)
    return path


def discard(path: Path) -> None:
    path.unlink(missing_ok=True)


def purge(max_age: float = MAX_AGE_SECONDS, now: float | None = None) -> int:
    """Delete staged files older than ``max_age`` seconds; return how many."""
    cutoff = (time.time() if now is None else now) - max_age
    removed = 0
    for entry in staging_dir().iterdir():
        try:
            if entry.is_file() and entry.stat().st_mtime < cutoff:
                entry.unlink()
                removed += 1
        except FileNotFoundError:  # removed meanwhile by another worker
            continue
    return removed
