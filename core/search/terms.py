"""A query as terms: every term must match; a term is a choice of alternatives; an alternative is tokens that must
all be in the entry. A token ending in ``*`` is a prefix.

- Chinese: the bigrams of each run (``text.grams``), so any part of a word is found (律师事务 in 律师事务所) wherever
  jieba cut the document. A run of one character is a prefix (财 finds 财政).
- Letters and digits: whole words as jieba indexes them, the last word of the query a prefix (it may be unfinished).
- Aliases (``aliases``): a member of a group becomes one term whose alternatives are the members of its group
  (人社局 → 人社局 | 人力资源和社会保障局 | …).
"""

from typing import NamedTuple

from .aliases import aliases
from .text import _SEPARATORS, CJK_RUN, normalise

MAX_TERMS = 64  # a pasted paragraph is still one bounded query


class Term(NamedTuple):
    alternatives: tuple[tuple[str, ...], ...]


def _tokens(text: str, last: bool) -> list[str]:
    """Tokens of ``text`` without aliases; ``last``: the text ends the query, so its last word may be unfinished."""
    out: list[str] = []
    runs = [run for word in _SEPARATORS.split(text) if word for run in _runs(word)]
    for number, run in enumerate(runs):
        if CJK_RUN.fullmatch(run):
            out += [run + "*"] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]
        else:
            out.append(run + "*" if last and number == len(runs) - 1 else run)
    return list(dict.fromkeys(out))


def _runs(word: str) -> list[str]:
    """``word`` cut where Chinese meets other letters ("oa系统" → oa, 系统), as jieba cuts it."""
    parts, last = [], 0
    for found in CJK_RUN.finditer(word):
        if found.start() > last:
            parts.append(word[last : found.start()])
        parts.append(found.group())
        last = found.end()
    if last < len(word):
        parts.append(word[last:])
    return parts


def query_terms(q: str) -> list[Term]:
    """The terms of the user's query ``q``; empty when it holds no letter or digit."""
    text = normalise(q)
    terms: list[Term] = []
    pieces = aliases().split(text)
    for number, (piece, group) in enumerate(pieces):
        if group is None:
            terms += [Term(((token,),)) for token in _tokens(piece, last=number == len(pieces) - 1)]
            continue
        own = tuple(_tokens(piece, last=False))
        others = [tuple(_tokens(member, last=False)) for member in group if member != piece]
        terms.append(Term((own, *[alternative for alternative in others if alternative])))
    return list(dict.fromkeys(terms))[:MAX_TERMS]


def query_tokens(q: str) -> list[str]:
    """The tokens of ``q`` as the user wrote them (aliases not expanded), for display and tests."""
    return [token for term in query_terms(q) for token in term.alternatives[0]]
