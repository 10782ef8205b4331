"""How much one import may read: settings (``GOVCIO_IMPORT_MAX_…`` from the environment, see README), read at each
call so that a deployment or a test can change them.

The defaults leave room for every real file (Excel itself stops at 1,048,576 rows and 32,767 characters a cell;
scanner exports have tens of columns) while refusing, early and with a message naming the limit, the shapes that
make a worker spend minutes or gigabytes: hundreds of thousands of columns, one enormous cell, millions of rows.
"""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True, slots=True)
class TableLimits:
    rows: int  # rows read, empty ones and the header included
    columns: int  # cells in one row, trailing empty cells not counted
    cells: int  # cells in the whole file (for .xlsx also its grid, checked before calamine allocates it)
    cell_chars: int  # characters in one cell
    header_chars: int  # characters in one column name


def table_limits() -> TableLimits:
    return TableLimits(
        rows=settings.GOVCIO_IMPORT_MAX_ROWS,
        columns=settings.GOVCIO_IMPORT_MAX_COLUMNS,
        cells=settings.GOVCIO_IMPORT_MAX_CELLS,
        cell_chars=settings.GOVCIO_IMPORT_MAX_CELL_CHARS,
        header_chars=settings.GOVCIO_IMPORT_MAX_HEADER_CHARS,
    )
