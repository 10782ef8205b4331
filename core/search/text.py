"""Text to search tokens: simplified Chinese, segmented by jieba, then the character grams, joined by single spaces.

Documents and queries go through the same steps so that they split alike. jieba runs without its HMM: the HMM
guesses unknown words from their context, so "浙政钉" could be one word in a query and three characters in a
document. Without it, an unknown word always falls apart into single characters, on both sides.
"""

import logging
import re
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

import jieba
import opencc
from django.conf import settings

from . import segment

# Everything but letters and digits separates tokens, so every token is one word to FTS5's unicode61 tokenizer and
# to PostgreSQL's parser alike (both split on punctuation and "_"), and no token carries query syntax.
_SEPARATORS = re.compile(r"[\W_]+")

_lock = threading.Lock()
_ready = False


def warm_up() -> None:
    """Load jieba's dictionary (about a second, once per process); safe to call from any thread, any number of times."""
    global _ready
    if _ready:
        return
    with _lock:
        if _ready:
            return
        jieba.setLogLevel(logging.WARNING)
        data_dir = getattr(settings, "DATA_DIR", None)
        if data_dir and Path(data_dir).is_dir():
            jieba.dt.tmp_dir = str(data_dir)  # jieba caches the parsed dictionary there instead of /tmp
        jieba.initialize()
        _converter()
        _ready = True


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normalise(text: str) -> str:
    """Simplified Chinese, NFKC (full-width letters and digits become ASCII) and lower case."""
    if not text:
        return ""
    return unicodedata.normalize("NFKC", _converter().convert(text)).lower()


def _clean(words) -> list[str]:
    """Split jieba's output on separators, dropping empty pieces (whitespace and punctuation tokens). One split of the
    words joined by a separator gives the pieces of each word in turn."""
    return [piece for piece in _SEPARATORS.split(" ".join(words)) if piece]


def words(text: str) -> list[str]:
    """jieba's words of the normalised ``text`` and their dictionary sub-words, in order."""
    if not text:
        return []
    warm_up()
    parts = _BLOCKS.split(text)  # the odd parts are runs of jieba's word characters
    return [token for i, part in enumerate(parts) if part for token in _block_tokens(part, i % 2 == 1)]


def tokens(text: str) -> str:
    """The indexed form of ``text``, space-separated: every word and every dictionary sub-word, then the grams
    (``grams``) that are not already one of the words."""
    text = normalise(text)
    found = words(text)
    seen = set(found)
    return " ".join(found + [gram for gram in grams(text) if gram not in seen])


# jieba cuts a text block by block (runs of its word characters, and what lies between), each on its own, and
# cut_for_search only adds the sub-words of each word: the tokens of a text are those of its blocks, in order. So
# blocks are segmented once each: an import's unit names, vendors and repeated phrases cost one jieba call, not one
# per row.
_BLOCKS = jieba.re_han_default
_ALNUM = re.compile(r"[a-zA-Z0-9]+")


@lru_cache(maxsize=1)
def _ascii_words() -> re.Pattern | None:
    """jieba's ASCII dictionary words of two or more characters (c++, c#…: a handful)."""
    words = sorted((w for w, n in jieba.dt.FREQ.items() if n and len(w) > 1 and w.isascii()), key=len, reverse=True)
    return re.compile("|".join(re.escape(word) for word in words)) if words else None


@lru_cache(maxsize=50_000)
def _block_tokens(block: str, word_run: bool) -> tuple[str, ...]:
    if not word_run:
        return tuple(_clean(jieba.cut_for_search(block, HMM=False)))
    if block.isascii():
        # Codes ("rsj-2023-001"): with no dictionary word inside, jieba's route is one character at a time, which
        # it joins into runs of letters and digits; the rest are separators. Same tokens, 15x cheaper.
        words = _ascii_words()
        if words is None or not words.search(block):
            return tuple(_ALNUM.findall(block))
    return tuple(_clean(segment.cut_for_search(block)))


# Parts of words (docs/decisions/0021-search-parts-of-words.md): beside jieba's words, every two characters in a row
# of Chinese text and every three in a row of letters and digits, so that any fragment of a name or a code is in
# the index as a run of grams. Ranges: CJK Unified Ideographs, Extension A, Compatibility Ideographs.
CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
ASCII_RUN = re.compile(r"[a-z0-9]+")


def grams(text: str) -> list[str]:
    """The character bigrams of each run of Chinese and the trigrams of each run of letters and digits in the
    normalised ``text``, in order, without duplicates."""
    found: dict[str, None] = {}
    for run in CJK_RUN.findall(text):
        for i in range(len(run) - 1):
            found[run[i : i + 2]] = None
    for run in ASCII_RUN.findall(text):
        for i in range(len(run) - 2):
            found[run[i : i + 3]] = None
    return list(found)
