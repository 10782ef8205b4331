"""Text to search tokens: simplified Chinese, segmented by jieba, joined by single spaces.

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
    """Split jieba's output on separators, dropping empty pieces (whitespace and punctuation tokens)."""
    return [piece for word in words for piece in _SEPARATORS.split(word) if piece]


def tokens(text: str) -> str:
    """The indexed form of ``text``: every word and every dictionary sub-word, space-separated."""
    text = normalise(text)
    if not text:
        return ""
    warm_up()
    return " ".join(_clean(jieba.cut_for_search(text, HMM=False)))


def query_tokens(q: str) -> list[str]:
    """The words a document must contain to match ``q``, in query order, without duplicates.

    A document indexes each word together with its dictionary sub-words ("数据管理" → 数据, 管理, 数据管理), but how
    jieba splits depends on the surrounding text: "大数据管理局" holds 数据 and 管理 yet not 数据管理. So a query word
    whose sub-words cover all its characters is replaced by them; any other word is kept whole.
    """
    text = normalise(q)
    if not text:
        return []
    warm_up()
    result: list[str] = []
    for word in jieba.cut(text, HMM=False):
        for token in _clean(_finest(word)):
            if token not in result:
                result.append(token)
    return result


def _finest(word: str) -> list[str]:
    # The same 2- and 3-character dictionary words that ``cut_for_search`` adds for a long word. Codes stay whole.
    if word.isascii():
        return [word]
    freq = jieba.dt.FREQ
    spans = [(i, n) for n in (2, 3) if len(word) > n for i in range(len(word) - n + 1) if freq.get(word[i : i + n])]
    covered = set()
    for i, n in spans:
        covered.update(range(i, i + n))
    if spans and len(covered) == len(word):
        return [word[i : i + n] for i, n in sorted(spans)]
    return [word]
