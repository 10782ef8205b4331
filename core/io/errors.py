"""What can go wrong in an import, in words a non-technical user can act on."""

from dataclasses import dataclass


class ImportFileError(Exception):
    """The file as a whole cannot be used (wrong type, too large, damaged); ``message`` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


@dataclass(frozen=True, slots=True)
class CellError:
    """One problem in the file.

    ``row`` is the spreadsheet row number as the user sees it (the header row is 1; 0 for the file as a whole).
    ``column`` is the column's header as written in the file, or "" when the problem concerns the whole row.
    """

    row: int
    column: str
    message: str
