"""A list's search box (``GovFilterSet.filter_q``: every search field ``icontains`` the text) without reading every row.

- PostgreSQL: GIN trigram indexes (pg_trgm) on ``UPPER(column::text)`` of the search fields of the large tables
  (migrations ``*_search_trigram``): Django's ``icontains`` is ``UPPER(col::text) LIKE UPPER('%…%')``, which such an
  index serves for three characters or more. Nothing to add to the query.
- SQLite has no such index, but the search table holds every bigram of the Chinese and every trigram of the letters
  and digits of a registered model's text (``text.grams``). A row whose field contains the text therefore has an
  entry holding all the text's grams, so the entries matching them are a superset of the rows the LIKE keeps:
  ``pk IN (those entries)`` narrows the list through the FTS index first and the LIKE then checks the few rows left.
  This holds only when every search field is indexed for the model, and only for the text's grams (a lone Chinese
  character or a word of one or two letters has none and is left to the LIKE).

The list is the caller's queryset, already restricted by the gate; this only adds a filter to it.
"""

from django.db import connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from core.gate import label
from core.models import SearchEntry

from .backends import SQLITE_MATCH, Unindexed, fts5_query
from .registry import registered
from .terms import Term
from .text import grams, normalise


def fragment_grams(value: str) -> list[str]:
    """The grams every text containing ``value`` holds (empty when it has none)."""
    return grams(normalise(value))


def narrow(queryset: QuerySet, fields, value: str) -> QuerySet:
    """``queryset`` limited to rows whose search entry holds every gram of ``value``, on SQLite when all ``fields``
    are indexed for the model; otherwise ``queryset`` unchanged. Callers still apply their own ``icontains``."""
    if connections[queryset.db].vendor != "sqlite":
        return queryset
    spec = registered().get(label(queryset.model))
    if spec is None or not set(fields) <= set(spec.fields):
        return queryset
    found = fragment_grams(value)
    if not found:
        return queryset
    # ``+object_type``: start from the FTS rowids, not from every entry of the type (see ``backends``).
    entries = (
        SearchEntry.objects.filter(id__in=RawSQL(SQLITE_MATCH, [fts5_query([Term(((g,),)) for g in found])]))  # noqa: S611
        .alias(gate_type=Unindexed("object_type"))
        .filter(gate_type=spec.label)
    )
    return queryset.filter(pk__in=entries.values("object_id"))
