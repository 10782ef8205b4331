"""Bound the grid calamine will allocate for a worksheet, before calamine sees it.

calamine allocates rows × columns of a sheet's used range in one go and aborts the whole process when that fails:
two cells at A1 and XFD1048576 in a 10 KB file would take a server worker down. So each worksheet part is scanned
for the cells calamine places, following calamine's ``src/xlsx/cells_reader.rs``: an element whose local name is
``c`` sits at its ``r`` reference, or else at the running row and column; only cells with a value count. The rows
above the range count too, since python-calamine yields them as empty rows.

The fast path reads every cell's reference with one regular expression. It is trusted only when every ``<c``
start tag in the part is literally ``<c r="A1"`` (as every spreadsheet program writes it), so no cell can hide from
it, and when its bound, which also counts empty cells, is within the limit. Anything else is decided by the exact
path: an XML parser following calamine's rules, which also refuses a part that is not well-formed or nests its
elements deeper than a worksheet ever does (the parser keeps every open element, so depth is memory).
"""

import re
import zipfile
from xml.parsers import expat

FAST_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
TAG_STARTS = tuple(b"<c" + end for end in (b" ", b"\t", b"\n", b"\r", b"/", b">"))
LONGEST_TOKEN = 32  # longer than '<c r="XFD1048576"'
CELL_REF = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")
CHUNK = 64 * 1024


class TooManyCells(Exception):
    pass


class TooDeep(Exception):
    pass


def column_number(letters: str | bytes) -> int:
    """0-based number of a column: A is 0, Z is 25, AA is 26."""
    number = 0
    for letter in letters.upper() if isinstance(letters, str) else letters.decode().upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number - 1


class Extent:
    """The rows and columns a sheet's valued cells span."""

    def __init__(self) -> None:
        self.max_row = -1
        self.min_col = -1
        self.max_col = -1

    def add(self, max_row: int, min_col: int, max_col: int) -> None:
        self.max_row = max(self.max_row, max_row)
        self.min_col = min_col if self.min_col < 0 else min(self.min_col, min_col)
        self.max_col = max(self.max_col, max_col)

    def cells(self) -> int:
        return 0 if self.max_row < 0 else (self.max_row + 1) * (self.max_col - self.min_col + 1)


class FastScan(Extent):
    """Fed the part's bytes in order; ``trusted()`` says whether its bound can be relied on."""

    def __init__(self) -> None:
        super().__init__()
        self.pending = b""
        self.previous = b""
        self.irregular = False
        self.tags = 0
        self.refs = 0

    def feed(self, data: bytes) -> None:
        data = self.pending + data
        # A token never contains "<" after its first byte, so cutting at the last "<" near the end splits none.
        cut = data.rfind(b"<", max(len(data) - LONGEST_TOKEN, 0))
        if cut < 0:
            cut = len(data)
        self.pending = data[cut:]
        self._scan(data[:cut])

    def trusted(self) -> bool:
        self._scan(self.pending)
        self.pending = b""
        return not self.irregular and self.tags == self.refs

    def _scan(self, segment: bytes) -> None:
        # "<x:c" is a cell to calamine too (it compares local names); leave such parts to the exact path.
        if self.irregular or b":c" in self.previous + segment:
            self.irregular = True
            return
        self.previous = segment[-1:]
        self.tags += sum(segment.count(start) for start in TAG_STARTS)
        refs = FAST_REF.findall(segment)
        if refs:
            self.refs += len(refs)
            columns = [column_number(letters) for letters in {letters for letters, _row in refs}]
            self.add(max(int(row) for _letters, row in refs) - 1, min(columns), max(columns))


class ExactScan(Extent):
    """calamine's placement of cells, driven by expat; raises TooManyCells as soon as the limit is passed."""

    def __init__(self, limit: int, max_depth: int = 64) -> None:
        super().__init__()
        self.limit = limit
        self.max_depth = max_depth
        self.depth = 0
        self.row = 0
        self.col = 0
        self.cell: tuple[int, int] | None = None
        self.valued = False

    def run(self, part: zipfile.ZipExtFile) -> None:
        parser = expat.ParserCreate()
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        while chunk := part.read(CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)

    def start(self, name: str, attributes: dict[str, str]) -> None:
        self.depth += 1
        if self.depth > self.max_depth:
            raise TooDeep
        local = name.partition(":")[2] or name  # calamine's local name follows the first colon
        if self.cell is not None:
            if local in ("v", "is"):
                self.valued = True
        elif local == "c":
            ref = attributes.get("r")
            if ref is None:
                self.cell = (self.row, self.col)
            else:
                match = CELL_REF.fullmatch(ref)
                if match is None:
                    raise ValueError(ref)  # calamine would fail too: a damaged workbook
                self.col = column_number(match[1])
                self.cell = (int(match[2]) - 1, self.col)
            self.valued = False
        elif local == "row" and "r" in attributes:
            self.row = int(attributes["r"]) - 1

    def end(self, name: str) -> None:
        self.depth -= 1
        local = name.partition(":")[2] or name
        if local == "c" and self.cell is not None:
            if self.valued:
                row, col = self.cell
                self.add(row, col, col)
                if self.cells() > self.limit:
                    raise TooManyCells
            self.cell = None
            self.col += 1
        elif local == "row" and self.cell is None:
            self.row += 1
            self.col = 0
