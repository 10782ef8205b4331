"""One row of a scanner's export — whatever its format — turned into a finding's fields, or a counted skip, or its
problems listed (STYLE.md rule 9).

Nothing a scanner wrote is cut off: a value longer than its column (a title of 300 characters, eleven CVEs for a
reference of 100) is shortened there with “…” and kept whole in the description; the CVEs are kept whole in their
own field. A found-on day in the future is refused. The duplicate key (``scan_key``) is the scanner, its id of the
vulnerability (plugin, NVT), the host, port and protocol, and the CVE where the scanner writes one row per CVE of a
plugin (Nessus); a row of the generic mapping without an id is keyed by its title instead.
"""

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext

from core.io import CellError, parsers
from core.io.parsers import fold

from ..choices import FindingSource
from .words import SKIP, skip_reason

LENGTHS = {"title": 200, "asset": 200, "host": 255, "port": 32, "protocol": 16, "reference": 100, "external_id": 100}
CVE_SPLIT = re.compile(r"[,;，；\s]+")
NO_PORT = {"", "0", "general"}


@dataclass
class Raw:
    """A row as its format reads it: the severity word as written, the rest as text; ``details`` (label, value)
    become the description; ``columns`` names the file's column of each field, for the problems."""

    number: int
    cells: tuple  # the whole row: two identical rows are one finding written twice
    title: str = ""
    word: str = ""
    host: str = ""
    port: str = ""
    protocol: str = ""
    cves: list[str] = field(default_factory=list)
    reference: str = ""
    external_id: str = ""
    found: str = ""
    details: list[tuple[str, str]] = field(default_factory=list)
    columns: dict = field(default_factory=dict)
    cve_in_key: bool = False


def split_cves(text: str) -> list[str]:
    return [part for part in CVE_SPLIT.split(text or "") if part]


def found_date(value: str) -> dt.date:
    """A date, or a date and time as scanners write them (2026-03-15 10:20:33, 2026-03-15T10:20:33Z): a time with
    its offset (GVM writes UTC) is the day it was in local time."""
    if len(value) > 10:
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is not None:
            return timezone.localdate(moment)
    day = value.replace("T", " ").split(" ")[0] if len(value) > 10 else value
    return parsers.date()(day)


def scan_key(parts) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def shortened(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


class Builder:
    """Turns Raw rows into a finding's fields (ready for ``Finding(**row)``), SKIP with a reason, or None with the
    problems appended to ``errors``."""

    def __init__(self, *, scanner: str, words: dict, system, found_on, owner=None, known: bool = False):
        self.scanner, self.system, self.found_on, self.owner = scanner, system, found_on, owner
        self.words = {fold(word): level for word, level in words.items()}
        self.known = known
        self.today = timezone.localdate()

    def severity(self, raw: Raw, bad):
        word = raw.word.strip()
        if not word:
            bad("severity", gettext("This field is required."))
            return None
        level = self.words.get(fold(word))
        if level is None and self.known:
            bad("severity", gettext("“{word}” is not a severity this scanner writes.").format(word=word))
        elif level is None:
            bad(
                "severity",
                gettext(
                    "“{word}” is not among the severity words: add a line such as “{word} = high” (or skip)."
                ).format(word=word),
            )
        return level

    def day(self, raw: Raw, bad) -> dt.date | None:
        if not raw.found.strip():
            return self.found_on
        try:
            day = found_date(raw.found.strip())
        except ValueError as exc:
            bad("found_on", exc)
            return None
        if day > self.today:
            bad("found_on", future_message(day))
            return None
        return day

    def row(self, raw: Raw, errors: list):
        """The finding's fields, ``(SKIP, reason)``, or None when the row has problems."""

        def bad(name, message):
            errors.append(CellError(raw.number, raw.columns.get(name, ""), str(message)))

        problems = len(errors)
        level = self.severity(raw, bad)
        if level == SKIP:
            return SKIP, skip_reason(raw.word)
        title = raw.title.strip()
        if not title:
            bad("title", gettext("This field is required."))
        day = self.day(raw, bad)
        if len(errors) > problems:
            return None
        return self.fields(raw, title, level, day)

    def fields(self, raw: Raw, title: str, level: str, day: dt.date) -> dict:
        host, port, protocol = raw.host.strip(), raw.port.strip(), raw.protocol.strip().lower()
        cves = [cve.strip() for cve in raw.cves if cve.strip()]
        reference = raw.reference.strip() or ", ".join(cves)
        asset = f"{host}:{port}" if host and port not in NO_PORT else host
        identity = raw.external_id.strip() or fold(title)
        cve = (", ".join(cves) or raw.reference.strip()) if raw.cve_in_key else ""
        values = {
            "title": title,
            "asset": asset,
            "host": host,
            "port": port,
            "protocol": protocol,
            "reference": reference,
            "external_id": raw.external_id.strip(),
        }
        kept = []
        for name, limit in LENGTHS.items():
            if len(values[name]) > limit:
                if name != "reference" or not cves:  # the CVEs are whole in their own field
                    kept.append((raw.columns.get(name) or name, values[name]))
                values[name] = shortened(values[name], limit)
        details = [(label, value.strip()) for label, value in [*kept, *raw.details] if value and value.strip()]
        return {
            "system_id": self.system.pk,
            "source": FindingSource.SCANNER,
            "scanner": self.scanner,
            **values,
            "severity": level,
            "cves": ", ".join(cves),
            "description": "\n\n".join(f"{label}: {value}" if label else value for label, value in details),
            "found_on": day,
            "last_seen": day,
            "owner_id": getattr(self.owner, "pk", None),
            "scan_key": scan_key([self.scanner, identity, host.lower(), port, protocol, cve]),
        }


def future_message(day: dt.date) -> str:
    return gettext("{date} is in the future: a finding cannot have been found on a day to come.").format(
        date=day.isoformat()
    )
