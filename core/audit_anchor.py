"""Anchors of the audit chain outside the database: the head, written down once a day.

The key (core.audit_key) stops an edit from being hidden by recomputing the hashes; it cannot stop the newest records
being cut off with the head set back, or the whole log being wiped, because what is left still verifies. An anchor
says how far the chain had gone: ``govcio audit anchor`` (daily from cron or a systemd timer, and at ``govcio run``)
appends ``DATE SEQ:HASH`` to an append-only file (mode 0600, in the data directory unless
``GOVCIO_AUDIT_ANCHOR_FILE`` puts it elsewhere) and logs the same line to the operator's log (logger
``govcio.audit``). ``verify`` checks every anchor in the file, and ``--expect-head SEQ:HASH`` one kept anywhere else:
the chain must reach the anchored record and hold the anchored hash there.
"""

import datetime as dt
import fcntl
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger("govcio.audit")
_HEAD = re.compile(r"(\d{1,18}):([0-9a-fA-F]{64})")
_LINE = re.compile(r"(\d{4}-\d{2}-\d{2}) (\S+)")


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    date: str = ""  # the day it was written; "" for one given with --expect-head
    line: int = 0  # its line in the file; 0 for one given with --expect-head

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"

    def describe(self) -> str:
        if self.line:
            return _("the anchor of {date} ({seq}:{hash}, line {line} of {path})").format(
                date=self.date, seq=self.seq, hash=self.hash, line=self.line, path=path()
            )
        return _("the expected head {seq}:{hash}").format(seq=self.seq, hash=self.hash)


class AnchorFileError(Exception):
    pass


def path() -> Path:
    return Path(settings.GOVCIO_AUDIT_ANCHOR_FILE)


def parse_head(text: str) -> tuple[int, str]:
    """``SEQ:HASH`` (as ``govcio audit head`` prints it) → (seq, lower-case hash); ValueError if malformed."""
    match = _HEAD.fullmatch(text.strip())
    if not match:
        raise ValueError(_("expected SEQ:HASH (a sequence number, a colon and 64 hexadecimal digits)"))
    return int(match[1]), match[2].lower()


def parse_line(text: str, line: int = 0) -> Anchor:
    match = _LINE.fullmatch(text.strip())
    if not match:
        raise ValueError(_("expected DATE SEQ:HASH"))
    dt.date.fromisoformat(match[1])
    seq, digest = parse_head(match[2])
    return Anchor(seq, digest, match[1], line)


def read() -> list[Anchor]:
    """Every anchor in the file, oldest first; AnchorFileError names a line that is not an anchor."""
    try:
        text = path().read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeError) as exc:
        raise AnchorFileError(_("{path} cannot be read: {error}").format(path=path(), error=exc)) from exc
    anchors = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            anchors.append(parse_line(line, number))
        except ValueError as exc:
            raise AnchorFileError(
                _("line {n} of {path} is not an anchor ({error}): {text!r}").format(
                    n=number, path=path(), error=exc, text=line[:120]
                )
            ) from exc
    return anchors


def any_written() -> bool:
    """Whether the installation ever anchored its chain (an unreadable file counts: something was there)."""
    try:
        return bool(read())
    except AnchorFileError:
        return True


def write_daily(today: dt.date | None = None) -> tuple[Anchor | None, bool]:
    """Anchor today's head unless today is anchored already: (the day's anchor, whether written now).

    (None, False) for an empty log: there is nothing to anchor yet."""
    from core.models import AuditHead

    head = AuditHead.objects.filter(pk=1).values_list("seq", "hash").first()
    if not head or not head[0]:
        return None, False
    day = (today or timezone.localdate()).isoformat()
    target = path()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "r+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # two runs on one day write one line
        text = handle.read()
        lines = text.splitlines()
        for number, line in enumerate(lines, 1):
            if line.startswith(day + " "):
                try:
                    return parse_line(line, number), False
                except ValueError:
                    continue
        anchor = Anchor(head[0], head[1], day, len(lines) + 1)
        handle.write(("\n" if text and not text.endswith("\n") else "") + f"{day} {anchor}\n")
        handle.flush()
        os.fsync(handle.fileno())
    logger.info("audit anchor %s %s", day, anchor)
    return anchor, True


@dataclass
class Failure:
    reason: str
    bad_seq: int
    anchor: Anchor


def check(anchors: list[Anchor], *, head_seq: int, purged_seq: int, purged_hash: str) -> Failure | None:
    """The first anchor the chain does not hold: one past its end (or any, for an empty chain), or one whose record
    has another hash. Anchors of purged records cannot be checked and pass: the purge itself is a keyed record."""
    from core.audit import ANCHOR_MISMATCH, EMPTY_AFTER_ANCHOR, SHORTER_THAN_ANCHOR
    from core.models import AuditRecord

    wanted: dict[int, list[Anchor]] = {}
    for anchor in anchors:
        if anchor.seq > head_seq:
            reason = EMPTY_AFTER_ANCHOR if head_seq == 0 else SHORTER_THAN_ANCHOR
            return Failure(reason, head_seq + 1, anchor)
        if anchor.seq == purged_seq and anchor.hash != purged_hash:
            return Failure(ANCHOR_MISMATCH, anchor.seq, anchor)
        if anchor.seq > purged_seq:
            wanted.setdefault(anchor.seq, []).append(anchor)
    seqs = sorted(wanted)
    for start in range(0, len(seqs), 500):
        chunk = seqs[start : start + 500]
        found = dict(AuditRecord.objects.filter(seq__in=chunk).values_list("seq", "hash"))
        for seq in chunk:
            for anchor in wanted[seq]:
                if found.get(seq) != anchor.hash:
                    return Failure(ANCHOR_MISMATCH, seq, anchor)
    return None
