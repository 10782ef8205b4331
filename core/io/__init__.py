"""Declarative import and export: one schema per model gives its template, validation and export.

See ``schema.py`` for an example and ARCHITECTURE.md ("Import at 10k rows/s") for the pipeline.
"""

from .errors import CellError, ImportFileError
from .export import export_response, neutralise, stream_csv, write_xlsx
from .parsers import boolean, choice, date, decimal, integer, regex, text
from .readers import read_table
from .schema import Column, ForeignKey, Schema, ValidationResult
from .sniff import sniff

__all__ = [
    "CellError",
    "Column",
    "ForeignKey",
    "ImportFileError",
    "Schema",
    "ValidationResult",
    "boolean",
    "choice",
    "date",
    "decimal",
    "export_response",
    "integer",
    "neutralise",
    "read_table",
    "regex",
    "sniff",
    "stream_csv",
    "text",
    "write_xlsx",
]
