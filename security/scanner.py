"""Findings from a vulnerability scanner's export (CSV or .xlsx): a column mapping, a severity-word mapping, and the
whole file checked before anything is written (STYLE.md rule 9: every bad row and column listed, all or nothing).

Scanners name their columns and severities in their own words (绿盟 RSAS: 漏洞名称/风险等级/主机/端口/CVE编号;
Nessus: Name/Risk/Host/Port/CVE). A mapping says which column holds each of our fields, and which of our severities
each word means; it can be saved per unit (ScannerMapping) and is offered again next time. Informational entries
(信息, Info) may be mapped to "skip": they are not problems to rectify.

A row is a duplicate — reported and skipped — when the system already has a finding not yet verified with the same
scanner identifier, or, for rows without one, the same title, asset and reference; the same holds within the file.
The file is read with core.io (sniffed by its bytes, streamed by the same readers as every import).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.io import CellError, parsers
from core.io.parsers import fold
from core.io.readers import read_header
from core.io.sniff import sniff

from .choices import FindingSource, FindingStatus, Severity
from .models import Finding

SKIP = "skip"
MAX_ERRORS = 1000


@dataclass(frozen=True)
class Target:
    name: str
    label: object
    required: bool
    guesses: tuple[str, ...]  # header words that usually mean this field, folded


TARGETS = [
    Target(
        "title",
        _("Title"),
        True,
        ("漏洞名称", "名称", "漏洞", "风险名称", "name", "pluginname", "vulnerability", "title"),
    ),
    Target(
        "severity",
        _("Severity"),
        True,
        ("风险等级", "危险等级", "威胁等级", "等级", "级别", "严重程度", "risk", "severity"),
    ),
    Target(
        "asset", _("Host or IP address"), False, ("主机", "ip", "ip地址", "主机ip", "资产", "目标", "host", "asset")
    ),
    Target("port", _("Port"), False, ("端口", "port")),
    Target("reference", _("Reference (CVE)"), False, ("cve编号", "cve", "cve id", "编号引用", "reference")),
    Target("description", _("Description"), False, ("描述", "漏洞描述", "详细描述", "description", "synopsis")),
    Target("solution", _("Solution"), False, ("解决方案", "解决办法", "修复建议", "整改建议", "solution")),
    Target("found_on", _("Found on"), False, ("发现时间", "发现日期", "扫描时间", "时间", "date", "found")),
    Target(
        "external_id", _("Scanner's identifier"), False, ("漏洞编号", "插件编号", "编号", "id", "plugin id", "pluginid")
    ),
]
TARGET_NAMES = [t.name for t in TARGETS]

# The usual words of Chinese and international scanners (GB/T 30279-2020 grades: 超危/高危/中危/低危).
DEFAULT_WORDS = {
    "紧急": Severity.CRITICAL,
    "严重": Severity.CRITICAL,
    "超危": Severity.CRITICAL,
    "高危": Severity.HIGH,
    "高": Severity.HIGH,
    "中危": Severity.MEDIUM,
    "中": Severity.MEDIUM,
    "低危": Severity.LOW,
    "低": Severity.LOW,
    "信息": SKIP,
    "提示": SKIP,
    "Critical": Severity.CRITICAL,
    "High": Severity.HIGH,
    "Medium": Severity.MEDIUM,
    "Low": Severity.LOW,
    "Info": SKIP,
    "None": SKIP,
}
LENGTHS = {"title": 200, "asset": 200, "reference": 100, "external_id": 100}


def guess_columns(headers: list[str]) -> dict[str, str]:
    """Our field → the file's header, for the headers that look like one of ours (each header used once)."""
    folded = {fold(h): h for h in headers if h}
    found: dict[str, str] = {}
    for target in TARGETS:
        for word in target.guesses:
            header = folded.get(fold(word))
            if header and header not in found.values():
                found[target.name] = header
                break
    return found


# Severity words: "word = severity" lines -------------------------------------------------------------------------


def level_parser():
    return parsers.choice([*Severity.choices, (SKIP, _("skip"))])


def words_text(words: dict) -> str:
    return "\n".join(f"{word} = {level}" for word, level in words.items())


def parse_words(text: str) -> dict[str, str]:
    """``高危 = high`` per line (our severity as its code or its name, or ``skip``); ValidationError naming the line."""
    words, problems, level = {}, [], level_parser()
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        word, sep, target = line.replace("＝", "=").rpartition("=")
        word, target = word.strip(), target.strip()
        if not sep or not word or not target:
            problems.append(gettext("Line {n}: write the scanner's word, “=” and our severity.").format(n=number))
            continue
        try:
            words[word] = level(target)
        except ValueError as exc:
            problems.append(gettext("Line {n}: {error}").format(n=number, error=exc))
    if problems:
        raise ValidationError(problems)
    if not words:
        raise ValidationError(gettext("Map at least one severity word."))
    return words


# Reading ------------------------------------------------------------------------------------------------------------


def read_headers(fileobj, filename: str) -> list[str]:
    """The header row of the file (raises core.io.ImportFileError when the file cannot be used)."""
    _number, header, _rows = read_header(fileobj, sniff(fileobj, filename))
    return header


@dataclass
class ScanResult:
    rows: list[dict] = field(default_factory=list)  # ready for Finding(**row)
    row_numbers: list[int] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    duplicates: int = 0
    skipped: int = 0
    total: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def found_date(value: str) -> dt.date:
    """A date, or a date and time as scanners write them (2026-03-15 10:20:33, 2026-03-15T10:20:33)."""
    day = value.replace("T", " ").split(" ")[0] if len(value) > 10 else value
    return parsers.date()(day)


def existing_keys(system, user) -> set:
    """The duplicate keys of the system's findings not yet verified, from one query."""
    keys = set()
    rows = (
        Finding.objects.restrict(user, "view")
        .filter(system=system)
        .exclude(status=FindingStatus.VERIFIED)
        .values_list("external_id", "title", "asset", "reference")
    )
    for external_id, title, asset, reference in rows:
        if external_id:
            keys.add(("id", external_id))
        keys.add(("tar", title, asset, reference))
    return keys


class Reader:
    """Turns each data row into a finding's fields with the mapping, collecting every problem."""

    def __init__(self, *, columns: dict, words: dict, headers: list[str], system, found_on, owner=None):
        self.words = {fold(word): level for word, level in words.items()}
        self.position = {name: headers.index(header) for name, header in columns.items() if header in headers}
        self.header = dict(columns)
        self.system, self.found_on, self.owner = system, found_on, owner
        self.solution_label = gettext("Solution")

    def cell(self, cells, name) -> str:
        position = self.position.get(name)
        return cells[position].strip() if position is not None and position < len(cells) else ""

    def row(self, number: int, cells: list[str], errors: list) -> dict | None:
        """The finding's fields, SKIP for an informational row, or None when the row has problems."""

        def bad(name, message):
            errors.append(CellError(number, self.header.get(name, ""), str(message)))

        word = self.cell(cells, "severity")
        severity = self.words.get(fold(word)) if word else None
        if severity == SKIP:
            return SKIP
        problems = len(errors)
        if not word:
            bad("severity", gettext("This field is required."))
        elif severity is None:
            bad(
                "severity",
                gettext(
                    "“{word}” is not among the severity words: add a line such as “{word} = high” (or skip)."
                ).format(word=word),
            )
        values = {name: self.cell(cells, name) for name in TARGET_NAMES}
        if not values["title"]:
            bad("title", gettext("This field is required."))
        if values["port"] and values["asset"]:
            values["asset"] = f"{values['asset']}:{values['port']}"
        for name, limit in LENGTHS.items():
            if len(values[name]) > limit:
                bad(
                    name,
                    gettext("Enter at most {limit} characters (it has {count}).").format(
                        limit=limit, count=len(values[name])
                    ),
                )
        found_on = self.found_on
        if values["found_on"]:
            try:
                found_on = found_date(values["found_on"])
            except ValueError as exc:
                bad("found_on", exc)
        if len(errors) > problems:
            return None
        description = values["description"]
        if values["solution"]:
            description = f"{description}\n{self.solution_label}: {values['solution']}".strip()
        return {
            "system_id": self.system.pk,
            "source": FindingSource.SCANNER,
            "title": values["title"],
            "severity": severity,
            "asset": values["asset"],
            "reference": values["reference"],
            "external_id": values["external_id"],
            "description": description,
            "found_on": found_on,
            "owner_id": getattr(self.owner, "pk", None),
        }


def key_of(row: dict) -> tuple:
    if row["external_id"]:
        return ("id", row["external_id"])
    return ("tar", row["title"], row["asset"], row["reference"])


def read_scan(fileobj, filename: str, *, columns: dict, words: dict, system, found_on, user, owner=None) -> ScanResult:
    """Check the whole file against the mapping; never writes. Raises core.io.ImportFileError for an unusable file."""
    number, headers, rows = read_header(fileobj, sniff(fileobj, filename))
    result = ScanResult()
    missing = [h for h in columns.values() if h and h not in headers]
    if missing:
        message = gettext("The file has no column named: {names}.").format(names=gettext(", ").join(missing))
        result.errors.append(CellError(number, "", message))
        return result
    reader = Reader(columns=columns, words=words, headers=headers, system=system, found_on=found_on, owner=owner)
    seen = existing_keys(system, user)
    for number, cells in rows:
        result.total += 1
        row = reader.row(number, cells, result.errors)
        if row == SKIP:
            result.skipped += 1
        elif row is not None:
            key = key_of(row)
            if key in seen:
                result.duplicates += 1
                continue
            seen.add(key)
            result.rows.append(row)
            result.row_numbers.append(number)
        if len(result.errors) > MAX_ERRORS:
            result.errors.append(CellError(0, "", gettext("There are more problems; the first are listed.")))
            break
    if not result.total:
        result.errors.append(CellError(0, "", gettext("The file has no data rows under the header.")))
    return result
