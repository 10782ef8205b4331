"""The exports govcio knows by their header, read without a mapping step:

- OpenVAS / Greenbone GVM, the CSV report (“CSV Results”): one row per result — an NVT on a host and port — with
  the NVT's CVEs in one cell (“CVE-2021-44228, CVE-2021-45046, …”) and the scan's time in ``Timestamp``.
- Nessus / Tenable, the CSV export: one row per plugin, host, port *and CVE* — a plugin that names five CVEs is
  five rows, five findings. The file has no date: the day of the scan is given with the import.

Every column the format does not place in a field of its own (CVSS, QoD, Synopsis, Plugin Output, Solution…) goes
into the description under its own name, so nothing the scanner wrote is lost.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ..choices import ScannerFormat
from .rows import Raw, split_cves


@dataclass(frozen=True)
class Format:
    code: str  # the scanner (ScannerFormat)
    label: object
    needs: frozenset  # the headers that tell the format apart
    fields: dict  # our field → the format's column
    cve_in_key: bool
    dated: bool  # whether the rows carry the scan's date

    def recognises(self, headers: list[str]) -> bool:
        return self.needs <= set(headers)

    def reader(self, headers: list[str]):
        return ColumnRows(self, headers)


OPENVAS = Format(
    code=ScannerFormat.OPENVAS,
    label=_("OpenVAS / GVM CSV report"),
    needs=frozenset({"IP", "Port", "Port Protocol", "Severity", "NVT Name", "NVT OID"}),
    fields={
        "host": "IP",
        "port": "Port",
        "protocol": "Port Protocol",
        "word": "Severity",
        "title": "NVT Name",
        "external_id": "NVT OID",
        "cves": "CVEs",
        "found": "Timestamp",
    },
    cve_in_key=False,
    dated=True,
)
NESSUS_CSV = Format(
    code=ScannerFormat.NESSUS,
    label=_("Nessus / Tenable CSV export"),
    needs=frozenset({"Plugin ID", "Host", "Risk", "Name"}),
    fields={
        "external_id": "Plugin ID",
        "cves": "CVE",
        "word": "Risk",
        "host": "Host",
        "protocol": "Protocol",
        "port": "Port",
        "title": "Name",
    },
    cve_in_key=True,
    dated=False,
)
CSV_FORMATS = (OPENVAS, NESSUS_CSV)
NESSUS_XML_LABEL = _("Nessus .nessus (v2 XML)")
OUR_NAMES = {"word": "severity", "found": "found_on", "cves": "reference"}  # the names of the problems' columns


def recognise(headers: list[str]) -> Format | None:
    return next((known for known in CSV_FORMATS if known.recognises(headers)), None)


class ColumnRows:
    """A known CSV's rows as Raw rows."""

    def __init__(self, known: Format, headers: list[str]):
        self.known = known
        self.position = {name: headers.index(column) for name, column in known.fields.items() if column in headers}
        placed = set(self.position.values())
        self.details = [(i, header) for i, header in enumerate(headers) if i not in placed and header]
        self.columns = {OUR_NAMES.get(name, name): column for name, column in known.fields.items()}
        self.columns["asset"] = known.fields["host"]

    def raw(self, number: int, cells: list[str]) -> Raw:
        def cell(position):
            return cells[position].strip() if position is not None and position < len(cells) else ""

        value = {name: cell(position) for name, position in self.position.items()}
        return Raw(
            number=number,
            cells=tuple(cells),
            title=value.get("title", ""),
            word=value.get("word", ""),
            host=value.get("host", ""),
            port=value.get("port", ""),
            protocol=value.get("protocol", ""),
            cves=split_cves(value.get("cves", "")),
            external_id=value.get("external_id", ""),
            found=value.get("found", ""),
            details=[(header, cell(position)) for position, header in self.details],
            columns=self.columns,
            cve_in_key=self.known.cve_in_key,
        )
