"""Decide what an uploaded file really is before anything parses it.

The type comes from the magic bytes, never from the name: the name only chooses the clearest error message. A
workbook is a zip, so it is checked for the classic bombs before a parser sees it: too many entries, too much
declared data, entries that inflate far beyond their compressed size, and XML parts with DTDs (entity expansion).
"""

import os
import re
import zipfile
import zlib
from typing import IO
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import ImportFileError
from .sheetguard import ExactScan, FastScan, TooDeep, TooManyCells

XLSX = "xlsx"
CSV = "csv"

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and also password-protected .xlsx
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
WORKBOOK_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xls", ".et")

CHUNK = 64 * 1024
HEAD = 64 * 1024
# Apache POI's defaults: an entry may inflate at most 100 times, checked once it is past 100 KiB.
MAX_RATIO = 100
RATIO_GRACE = 100 * 1024
# Media never goes to the XML parser, so it is not scanned for DTDs.
BINARY_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".wdp", ".bin")
XML_SUFFIXES = (".xml", ".rels", ".vml")
DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
# calamine reserves room for uniqueCount shared strings up front, and aborts the process if it cannot.
UNIQUE_COUNT = re.compile(rb'uniqueCount="([0-9]{1,20})"')
OVERLAP = 40  # longer than any token searched for across chunk boundaries
# Control characters that never appear in a text file (tab, line breaks, vertical tab and form feed are allowed).
BINARY_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1f]")


# calamine reads a worksheet from "xl/worksheets/…" whatever the file's extension.
WORKSHEETS = "xl/worksheets/"
MAX_CELLS = 5_000_000
XML_ENCODING = re.compile(rb"""(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")


def limits() -> tuple[int, int, int]:
    return (
        getattr(settings, "GOVCIO_IMPORT_MAX_BYTES", 50 * 1024 * 1024),
        getattr(settings, "GOVCIO_IMPORT_MAX_UNZIPPED_BYTES", 400 * 1024 * 1024),
        getattr(settings, "GOVCIO_IMPORT_MAX_ZIP_ENTRIES", 2000),
    )


def megabytes(size: int) -> str:
    mb = size / (1024 * 1024)
    return str(round(mb)) if mb >= 10 else f"{max(round(mb, 1), 0.1):g}"


def sniff(fileobj: IO[bytes], filename: str) -> str:
    """Return ``"xlsx"`` or ``"csv"``, or raise :class:`ImportFileError`. Leaves ``fileobj`` at position 0."""
    max_bytes, max_unzipped, max_entries = limits()
    try:
        fileobj.seek(0, os.SEEK_END)
        size = fileobj.tell()
        if size == 0:
            raise ImportFileError(_("The file is empty."))
        if size > max_bytes:
            raise ImportFileError(
                _("The file is larger than {limit} MB. Please split it into smaller files.").format(
                    limit=megabytes(max_bytes)
                )
            )
        fileobj.seek(0)
        head = fileobj.read(HEAD)
        fileobj.seek(0)
        suffix = os.path.splitext(filename or "")[1].lower()
        if head.startswith(OLE_MAGIC):
            raise ImportFileError(
                _(
                    "This is an old Excel (.xls) or password-protected workbook. "
                    "Please open it in Excel, remove any password and save it as .xlsx."
                )
            )
        if head.startswith(ZIP_MAGIC):
            _check_workbook(fileobj, max_unzipped, max_entries)
            return XLSX
        if suffix in EXCEL_SUFFIXES:
            raise ImportFileError(
                _("This file is not a real Excel workbook. Please open it in Excel and save it as .xlsx.")
            )
        _check_text(head)
        return CSV
    finally:
        fileobj.seek(0)


def _check_text(head: bytes) -> None:
    if head.startswith(UTF16_BOMS):
        raise ImportFileError(_("This text file is in UTF-16. Please save it as “CSV UTF-8” or .xlsx."))
    if BINARY_BYTES.search(head):
        raise ImportFileError(_("This file is not a spreadsheet. Please upload an .xlsx or .csv file."))


def damaged() -> str:
    return _("The workbook is damaged or is not an .xlsx file. Please save it again as .xlsx.")


def _check_workbook(fileobj: IO[bytes], max_unzipped: int, max_entries: int) -> None:
    bomb = _("The workbook expands to too much data. Please split it into smaller files.")
    try:
        with zipfile.ZipFile(fileobj) as archive:
            entries = archive.infolist()
            if len(entries) > max_entries:
                raise ImportFileError(
                    _("The workbook has too many parts (more than {limit}).").format(limit=max_entries)
                )
            names = {info.filename for info in entries}
            if not all(part in names for part in WORKBOOK_PARTS):
                raise ImportFileError(
                    _("This file is a zip archive, not an Excel workbook. Please upload an .xlsx or .csv file.")
                )
            if sum(info.file_size for info in entries) > max_unzipped:
                raise ImportFileError(bomb)
            for info in entries:
                if info.file_size > RATIO_GRACE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                    raise ImportFileError(bomb)
            total = 0
            for info in entries:
                sheet = info.filename.startswith(WORKSHEETS)
                if not info.is_dir() and (sheet or not info.filename.lower().endswith(BINARY_SUFFIXES)):
                    total += _scan_part(archive, info, max_unzipped - total, bomb)
    except ImportFileError:
        raise
    except (
        zipfile.BadZipFile,
        zlib.error,
        expat.ExpatError,
        EOFError,
        RuntimeError,
        NotImplementedError,
        ValueError,
    ) as exc:
        # RuntimeError: an encrypted entry; NotImplementedError: an exotic compression method; ExpatError and
        # ValueError: a worksheet that is not well-formed, or has impossible cell references.
        raise ImportFileError(damaged()) from exc


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, bomb: str) -> int:
    """Read one part in bounded chunks looking for a DTD, bound a worksheet's cells; return the bytes read.

    ``ZipExtFile`` never returns more than the declared size and checks the CRC at the end, so the declared sizes
    checked above are the real ones; the budget is a second fence.
    """
    read = 0
    tail = b""
    strings = 0
    sheet = FastScan() if info.filename.startswith(WORKSHEETS) else None
    xml = sheet is not None or info.filename.lower().endswith(XML_SUFFIXES)
    with archive.open(info) as part:
        while chunk := part.read(CHUNK):
            if read == 0 and xml:
                _check_encoding(chunk)
            read += len(chunk)
            if read > budget or read > info.file_size:
                raise ImportFileError(bomb)
            window = tail + chunk
            if DTD.search(window):
                raise ImportFileError(
                    _("The workbook contains entity declarations, which are not allowed. Please save it again.")
                )
            strings = max([strings, *(int(count) for count in UNIQUE_COUNT.findall(window))])
            tail = window[-OVERLAP:]
            if sheet is not None:
                sheet.feed(window[:-OVERLAP])  # every byte once, in order
    # Each shared string takes at least 10 bytes of XML ("<si><t/></si>").
    if strings > info.file_size // 10 + 1000:
        raise ImportFileError(damaged())
    if sheet is not None:
        sheet.feed(tail)
        limit = getattr(settings, "GOVCIO_IMPORT_MAX_CELLS", MAX_CELLS)
        if not (sheet.trusted() and sheet.cells() <= limit):
            _exact_cells(archive, info, limit)
    return read


def _check_encoding(head: bytes) -> None:
    declared = XML_ENCODING.match(head)
    if (
        head.startswith(UTF16_BOMS)
        or b"\x00" in head[:4]
        or (declared is not None and declared[1].lower() not in (b"utf-8", b"utf8"))
    ):
        raise ImportFileError(_("The workbook contains parts in an unsupported encoding."))


def _exact_cells(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> None:
    depth = settings.GOVCIO_IMPORT_MAX_XML_DEPTH
    try:
        with archive.open(info) as part:
            ExactScan(limit, depth).run(part)
    except TooDeep:
        message = _("The worksheet is nested more than {limit} levels deep. Please save it again as .xlsx.")
        raise ImportFileError(message.format(limit=depth)) from None
    except TooManyCells:
        raise ImportFileError(
            _("The worksheet spans more than {limit} cells. Please delete unused rows and columns or split it.").format(
                limit=limit
            )
        ) from None
