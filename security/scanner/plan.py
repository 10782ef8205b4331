"""Reading a scan against what the system already has: every row becomes a finding to create, a finding to update
(last seen, or what the scanner now says of it) or to reopen (verified, and found again), an unchanged one, a
counted skip — or a listed problem. Nothing is written here; ``services.findings.scan_import`` commits the plan.

Findings are matched by their duplicate key only (security.scanner.rows): different findings are never merged. Two
rows of one file are one finding only when they are identical; two different rows that share a key (a generic file
without a port column, say) are kept apart, each with its own key numbered in the file's order, so that importing
the file again matches each with its own finding.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext

from core.io import CellError, ImportFileError
from core.io.readers import read_header
from core.io.sniff import limits, megabytes, sniff

from ..choices import FindingSource, FindingStatus, ScannerFormat
from ..models import Finding
from . import nessusxml
from .columns import MappedRows
from .formats import CSV_FORMATS, NESSUS_XML_LABEL, recognise
from .rows import Builder, scan_key
from .words import KNOWN_WORDS, REPEATED

MAX_ERRORS = 1000
IN_CHUNK = 10_000
XML = "nessus_xml"
COMPARED = ("title", "severity", "description", "cves", "reference")  # what a later scan may change


@dataclass(frozen=True)
class Detected:
    kind: str  # openvas, nessus (CSV), nessus_xml, or csv: the generic mapping
    headers: list

    @property
    def known(self) -> bool:
        return self.kind != ScannerFormat.CSV

    @property
    def scanner(self) -> str:
        return ScannerFormat.NESSUS if self.kind == XML else self.kind

    @property
    def label(self):
        if self.kind == XML:
            return NESSUS_XML_LABEL
        return next((f.label for f in CSV_FORMATS if f.code == self.kind), ScannerFormat.CSV.label)


def _refuse_size(fileobj) -> None:
    fileobj.seek(0, 2)
    size = fileobj.tell()
    fileobj.seek(0)
    if size > limits()[0]:
        message = gettext("The file is larger than {limit} MB. Please split it into smaller files.")
        raise ImportFileError(message.format(limit=megabytes(limits()[0])))


def detect(fileobj, filename: str) -> Detected:
    """The file's format, from its first bytes (XML) or its header; raises core.io.ImportFileError."""
    fileobj.seek(0)
    head = fileobj.read(4096)
    fileobj.seek(0)
    if nessusxml.looks_like_xml(head):
        _refuse_size(fileobj)
        return Detected(XML, [])
    _number, headers, _rows = read_header(fileobj, sniff(fileobj, filename))
    known = recognise(headers)
    return Detected(known.code if known else ScannerFormat.CSV, headers)


@dataclass
class Update:
    finding: Finding
    values: dict  # the fields that change
    reopen: bool
    number: int

    @property
    def labels(self) -> list:
        """What changes, in the user's words."""
        return [Finding._meta.get_field(name).verbose_name for name in self.values]


@dataclass
class ScanResult:
    kind: str = ScannerFormat.CSV
    rows: list[dict] = field(default_factory=list)  # new findings, ready for Finding(**row)
    row_numbers: list[int] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    unchanged: int = 0
    skips: Counter = field(default_factory=Counter)  # reason → rows (security.scanner.words.REASONS)
    kept_apart: int = 0
    errors: list[CellError] = field(default_factory=list)
    total: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def created(self) -> int:
        return len(self.rows)

    @property
    def updated(self) -> int:
        return sum(not u.reopen for u in self.updates)

    @property
    def reopened(self) -> int:
        return sum(u.reopen for u in self.updates)

    @property
    def skipped(self) -> int:
        return sum(self.skips.values())

    @property
    def changes_anything(self) -> bool:
        return bool(self.rows or self.updates)

    def counts(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "reopened": self.reopened,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "skips": dict(sorted(self.skips.items())),
            "kept_apart": self.kept_apart,
        }


def raws_of(fileobj, filename: str, found: Detected, columns: dict, result: ScanResult):
    """The file's Raw rows, or None after listing the mapped columns the file lacks."""
    if found.kind == XML:
        return nessusxml.read(fileobj)
    number, headers, rows = read_header(fileobj, sniff(fileobj, filename))
    known = recognise(headers)
    if known is not None:
        reader = known.reader(headers)
    else:
        missing = [h for h in (columns or {}).values() if h and h not in headers]
        if missing:
            message = gettext("The file has no column named: {names}.").format(names=gettext(", ").join(missing))
            result.errors.append(CellError(number, "", message))
            return None
        reader = MappedRows(columns or {}, headers)
    return (reader.raw(n, cells) for n, cells in rows)


def read_scan(
    fileobj, filename: str, *, system, found_on, user, columns=None, words=None, owner=None, found=None
) -> ScanResult:
    """Check the whole file and plan what it changes; never writes. Raises core.io.ImportFileError for a file that
    cannot be used. ``columns`` and ``words`` are the mapping of a generic file (the known formats need none)."""
    found = found or detect(fileobj, filename)
    result = ScanResult(kind=found.kind)
    raws = raws_of(fileobj, filename, found, columns, result)
    if raws is None:
        return result
    builder = Builder(
        scanner=found.scanner,
        words=KNOWN_WORDS if found.known else (words or {}),
        system=system,
        found_on=found_on,
        owner=owner,
        known=found.known,
    )
    seen: dict[str, tuple] = {}
    pending = []
    for raw in raws:
        result.total += 1
        row = builder.row(raw, result.errors)
        if isinstance(row, tuple):
            result.skips[row[1]] += 1
        elif row is not None:
            key, n = row["scan_key"], 1
            while key in seen and seen[key] != raw.cells:
                n += 1
                key = scan_key([row["scan_key"], str(n)])
            if key in seen:
                result.skips[REPEATED] += 1
                continue
            result.kept_apart += n > 1
            seen[key] = raw.cells
            row["scan_key"] = key
            pending.append((raw.number, row))
        if len(result.errors) > MAX_ERRORS:
            result.errors.append(CellError(0, "", gettext("There are more problems; the first are listed.")))
            break
    if not result.total:
        result.errors.append(CellError(0, "", gettext("The file has no data rows under the header.")))
    if result.ok:
        plan(result, pending, system, user)
    return result


def existing(system, user, keys: list[str]) -> dict[str, Finding]:
    """The system's scanner findings by key: the one not yet verified, else the latest verified."""
    findings = Finding.objects.filter(system=system, source=FindingSource.SCANNER)
    if user is not None:
        findings = findings.restrict(user, "view")
    found: dict[str, Finding] = {}
    for start in range(0, len(keys), IN_CHUNK):
        chunk = findings.filter(scan_key__in=keys[start : start + IN_CHUNK]).select_related("system__owner_unit")
        for finding in chunk.order_by("pk"):
            current = found.get(finding.scan_key)
            if current is None or current.status == FindingStatus.VERIFIED:
                found[finding.scan_key] = finding
    return found


def verified_day(finding: Finding) -> dt.date:
    if finding.verified_at:
        return timezone.localdate(finding.verified_at)
    return finding.last_seen or finding.found_on


def plan(result: ScanResult, pending: list, system, user) -> None:
    known = existing(system, user, [row["scan_key"] for _n, row in pending])
    for number, row in pending:
        finding = known.get(row["scan_key"])
        if finding is None:
            result.rows.append(row)
            result.row_numbers.append(number)
            continue
        day = row["last_seen"]
        reopen = finding.status == FindingStatus.VERIFIED
        if day < (verified_day(finding) if reopen else finding.last_seen or finding.found_on):
            result.unchanged += 1  # an older scan than what is known of the finding: it tells nothing new
            continue
        values = {name: row[name] for name in COMPARED if getattr(finding, name) != row[name]}
        if finding.last_seen is None or day > finding.last_seen:
            values["last_seen"] = day
        if values or reopen:
            result.updates.append(Update(finding, values, reopen, number))
        else:
            result.unchanged += 1
