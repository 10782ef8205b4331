"""Findings from a vulnerability scanner's export (漏洞扫描结果导入).

The known exports are recognised from their first bytes or their header and read without a mapping step
(``formats``: OpenVAS/GVM CSV, Nessus CSV; ``nessusxml``: Nessus .nessus); any other CSV or .xlsx is read with a
column mapping and severity words (``columns``, ``words``). Each row becomes a finding's fields or a counted skip
(``rows``), and the whole file is planned against the system's findings (``plan``): created, updated, reopened,
unchanged or skipped, every problem listed, nothing written until ``services.findings.scan_import`` commits it all
(STYLE.md rule 9). The file is read with core.io (sniffed by its bytes, streamed by the same readers and limits as
every import).
"""

from core.io.readers import read_header
from core.io.sniff import sniff

from .columns import TARGET_NAMES, TARGETS, Target, guess_columns
from .plan import XML, Detected, ScanResult, Update, detect, read_scan
from .rows import LENGTHS, found_date, future_message
from .words import DEFAULT_WORDS, REASONS, SKIP, parse_words, words_text

__all__ = [
    "DEFAULT_WORDS",
    "LENGTHS",
    "REASONS",
    "SKIP",
    "TARGETS",
    "TARGET_NAMES",
    "XML",
    "Detected",
    "ScanResult",
    "Target",
    "Update",
    "detect",
    "found_date",
    "future_message",
    "guess_columns",
    "parse_words",
    "read_headers",
    "read_scan",
    "words_text",
]


def read_headers(fileobj, filename: str) -> list[str]:
    """The header row of a CSV or .xlsx (raises core.io.ImportFileError when the file cannot be used)."""
    _number, header, _rows = read_header(fileobj, sniff(fileobj, filename))
    return header
