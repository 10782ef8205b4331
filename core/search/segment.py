"""jieba's search segmentation of one run of word characters, without the HMM, 3× faster and exactly the same.

jieba (0.42) finds the words of a run with a dictionary DAG and the most probable route through it, then adds each
long word's 2- and 3-character dictionary sub-words. This does the same steps with the same arithmetic, in the same
order, so the floating-point scores and the ties come out identical: a route score is ``(log(freq) - log(total)) +
score of the rest``, and of equal scores the longer word wins, as with jieba's ``max`` over ``(score, end)``. What
costs in jieba is its generator and tuple per DAG edge and a ``log`` per edge per call; here the log of each word is
computed once per process (and again when the dictionary changes). ``core/tests/libs/test_segment.py`` and
``core/tests/search`` check the result against jieba on thousands of texts (docs/decisions/0017-segmenter.md).
"""

from math import log

import jieba

_LETTERS_AND_DIGITS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")  # jieba's re_eng
_MAX_CACHED = 200_000
_word_score: dict[str, float] = {}
_scored_under = [0.0]  # the log of the dictionary total the remembered scores were computed with


def _score(word: str, freq: dict, logtotal: float) -> float:
    if logtotal != _scored_under[0]:  # the dictionary changed (jieba.add_word, a user dictionary): score afresh
        _word_score.clear()
        _scored_under[0] = logtotal
    score = _word_score.get(word)
    if score is None:
        if len(_word_score) >= _MAX_CACHED:
            _word_score.clear()
        score = _word_score[word] = log(freq.get(word) or 1) - logtotal
    return score


def cut(run: str) -> list[str]:
    """``list(jieba.dt.cut(run, HMM=False))`` for a run matched by ``jieba.re_han_default`` (jieba initialised)."""
    freq = jieba.dt.FREQ
    logtotal = log(jieba.dt.total)
    n = len(run)
    scores = [0.0] * (n + 1)
    ends = [0] * (n + 1)
    for start in range(n - 1, -1, -1):
        best, best_end = None, start
        end, fragment = start, run[start]
        while end < n and fragment in freq:  # every prefix of a dictionary word is in FREQ (with 0 if not a word)
            if freq[fragment]:
                candidate = _score(fragment, freq, logtotal) + scores[end + 1]
                if best is None or candidate > best or (candidate == best and end > best_end):
                    best, best_end = candidate, end
            end += 1
            fragment = run[start : end + 1]
        if best is None:  # no word starts here: the character alone
            best, best_end = _score(run[start], freq, logtotal) + scores[start + 1], start
        scores[start], ends[start] = best, best_end
    words, letters, start = [], "", 0
    while start < n:
        end = ends[start] + 1
        word = run[start:end]
        if end - start == 1 and word in _LETTERS_AND_DIGITS:
            letters += word  # single letters and digits in a row make one word
        else:
            if letters:
                words.append(letters)
                letters = ""
            words.append(word)
        start = end
    if letters:
        words.append(letters)
    return words


def cut_for_search(run: str) -> list[str]:
    """``list(jieba.dt.cut_for_search(run, HMM=False))`` for a run of word characters."""
    freq = jieba.dt.FREQ
    out = []
    for word in cut(run):
        size = len(word)
        if size > 2:
            out.extend(gram for i in range(size - 1) if freq.get(gram := word[i : i + 2]))
        if size > 3:
            out.extend(gram for i in range(size - 2) if freq.get(gram := word[i : i + 3]))
        out.append(word)
    return out
