"""The full-text match on each database, as a filter plus a ``score`` annotation on a SearchEntry queryset.

Query tokens are letters and digits only (see ``text``), and are still quoted here so that no token can ever be read
as query syntax. The match string is always a bound parameter. A query is terms of alternatives (``terms``), which
both databases take as a boolean expression.

- SQLite: an FTS5 external-content table ``core_search_fts`` over ``core_searchentry.tokens``, kept in step by
  triggers (migration 0002). bm25() only works in a SELECT over the FTS table itself, not through the ``rowid IN``
  subquery that lets the ORM add the gate, so the score is the other thing bm25 ranks by when every document
  contains every term: shorter documents first. The scope columns are read as ``+column`` so that SQLite, which
  has no statistics unless someone runs ANALYZE, starts from the FTS rowids rather than from every entry of a type
  (0.2 ms instead of 20 ms for a miss over 100k entries).
- PostgreSQL: ``to_tsvector('simple', tokens)`` with a GIN index on that expression (migration 0002), ranked by
  ts_rank normalised by document length.
"""

import re

from django.db import connections
from django.db.models import BooleanField, CharField, F, FloatField, Func, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length

from .terms import Term

# Fixed SQL; the user's words only ever travel as the bound parameter.
SQLITE_MATCH = "SELECT rowid FROM core_search_fts WHERE core_search_fts MATCH %s"
SQLITE_OPTIMISE = "INSERT INTO core_search_fts(core_search_fts) VALUES ('optimize')"
PG_TOKENS = '"core_searchentry"."tokens"'
PG_VECTOR = "to_tsvector('simple', " + PG_TOKENS + ")"
PG_MATCH = PG_VECTOR + " @@ to_tsquery('simple', %s)"
# Ranking must rebuild each matching row's vector. Tokens are letters and digits joined by single spaces, so splitting
# them gives the parser's lexemes at a third of the cost of parsing again (100 ms instead of 350 ms for 40k hits).
# Normalisation 1 divides by 1 + log(length): a match in a short name outranks one in a long text.
PG_RANK = "ts_rank(array_to_tsvector(string_to_array(" + PG_TOKENS + ", ' ')), to_tsquery('simple', %s), 1)"
_TSQUERY_SYNTAX = re.compile(r"[&|!():*<>'\\\s]+")


class Unindexed(Func):
    """``+column``: the same value, which SQLite's planner will not look up through an index."""

    template = "+%(expressions)s"
    output_field = CharField()


def _vendor(queryset: QuerySet) -> str:
    return connections[queryset.db].vendor


def _fts5_token(token: str) -> str:
    word = token.removesuffix("*")
    return '"' + word.replace('"', '""') + '"' + ("*" if token.endswith("*") else "")


def _ts_token(token: str) -> str:
    word = _TSQUERY_SYNTAX.sub("", token.removesuffix("*"))
    return f"'{word}'" + (":*" if token.endswith("*") else "") if word else ""


def _boolean(terms: list[Term], token, and_: str, or_: str) -> str:
    """Every term ANDed; a term's alternatives ORed, each the AND of its tokens; parentheses around every group."""
    parts = []
    for term in terms:
        alternatives = []
        for alternative in term.alternatives:
            words = [word for word in map(token, alternative) if word]
            if words:
                alternatives.append(words[0] if len(words) == 1 else "(" + and_.join(words) + ")")
        if alternatives:
            parts.append(alternatives[0] if len(alternatives) == 1 else "(" + or_.join(alternatives) + ")")
    return and_.join(parts)


def fts5_query(terms: list[Term]) -> str:
    """``"a" AND ("b" OR ("c" AND "d")) AND "e"*``: every token a quoted string, prefixes starred."""
    return _boolean(terms, _fts5_token, " AND ", " OR ")


def tsquery(terms: list[Term]) -> str:
    """The same for ``to_tsquery``: ``'a' & ('b' | ('c' & 'd')) & 'e':*``, operator characters removed."""
    return _boolean(terms, _ts_token, " & ", " | ")


def match(queryset: QuerySet, terms: list[Term]) -> QuerySet:
    """``queryset`` narrowed to the entries matching every term, annotated with ``score`` (higher is better).

    The scope filter goes on the aliases ``gate_type`` and ``gate_path`` (object type and unit path).
    """
    if not terms:
        return queryset.none()
    vendor = _vendor(queryset)
    if vendor == "sqlite":
        query = fts5_query(terms)
        if not query:
            return queryset.none()
        match_sql = RawSQL(SQLITE_MATCH, [query])  # noqa: S611
        return (
            queryset.filter(id__in=match_sql)
            .alias(gate_type=Unindexed("object_type"), gate_path=Unindexed("unit_path"))
            .annotate(score=-Length("tokens"))
        )
    if vendor == "postgresql":
        query = tsquery(terms)
        if not query:
            return queryset.none()
        return (
            queryset.filter(RawSQL(PG_MATCH, [query], output_field=BooleanField()))  # noqa: S611
            .alias(gate_type=F("object_type"), gate_path=F("unit_path"))
            .annotate(score=RawSQL(PG_RANK, [query], output_field=FloatField()))  # noqa: S611
        )
    raise NotImplementedError(f"search does not support the {vendor} database")


def optimise(using: str = "default") -> None:
    """Merge FTS5's index segments after a full rebuild; PostgreSQL needs nothing."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(SQLITE_OPTIMISE)
