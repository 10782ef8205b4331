"""Declarative import and export: one schema per model gives its template, validation and export.

See ``schema.py`` for an example and ARCHITECTURE.md ("Import at 10k rows/s") for the pipeline.
"""

from .errors import CellError, ImportFileError
from .export import export_response, neutralise, stream_csv, write_xlsx
from .parsers import boolean, choice, code_list, date, decimal, integer, regex, split_codes, text
from .readers import read_table
from .schema import MANAGED_UNIT, Column, ForeignKey, Schema, ValidationResult, field_column
from .sniff import sniff

__all__ = [
    "MANAGED_UNIT",
    "CellError",
    "Column",
    "ForeignKey",
    "ImportFileError",
    "Schema",
    "ValidationResult",
    "boolean",
    "choice",
    "code_list",
    "date",
    "decimal",
    "export_response",
    "field_column",
    "integer",
    "neutralise",
    "read_table",
    "regex",
    "sniff",
    "split_codes",
    "stream_csv",
    "text",
    "write_xlsx",
]
