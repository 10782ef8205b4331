"""Site search: one table of segmented tokens, matched by FTS5 (SQLite) or tsvector (PostgreSQL), filtered by the gate.

Register a model once (``register(System, fields=["name", "code"])``) in ``AppConfig.ready``; keep its row current
with ``index_object`` / ``remove_object`` in the service that changes it (and ``index_dependants`` /
``remove_collected`` for the records that read it); search with ``search`` and ``autocomplete``, which check every
hit against its object (``visible``).
"""

from .background import tokens_later
from .query import Group, Hit, autocomplete, search, visible
from .registry import (
    SearchSpec,
    index_dependants,
    index_many,
    index_object,
    rebuild,
    register,
    registered,
    remove_collected,
    remove_object,
    remove_planned,
    texts_of,
    unregister,
)
from .terms import Term, query_terms, query_tokens
from .text import normalise, tokens, warm_up

__all__ = [
    "texts_of",
    "remove_planned",
    "tokens_later",
    "Group",
    "Hit",
    "SearchSpec",
    "autocomplete",
    "index_dependants",
    "index_many",
    "index_object",
    "normalise",
    "query_terms",
    "query_tokens",
    "Term",
    "rebuild",
    "register",
    "registered",
    "remove_collected",
    "remove_object",
    "search",
    "tokens",
    "unregister",
    "visible",
    "warm_up",
]
