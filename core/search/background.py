"""Segmenting a large batch in a second process while the caller writes its rows.

An import of 100,000 systems spends about a fifth of its commit in jieba (~25 µs a row), one core's work while the
database and the audit's hashing wait for nothing from it. ``tokens_later`` hands the texts to a forked child — it
inherits the loaded dictionary, so it starts in milliseconds — and ``result()`` collects the tokens when the rows
that need them are written. Small batches, a platform without ``fork``, or a process running more than one thread
are segmented in the caller; either way the tokens are those of ``text.tokens``.

Only a single-threaded process forks (decision 0014): the task worker, which runs the imports, and the management
commands. A threaded web worker (gunicorn's gthread) never does: a fork copies the locks other threads hold at that
instant (the logging module's, the database driver's, the allocator's) and the child may wait on them forever.

The child touches no database connection and leaves through ``os._exit`` (multiprocessing's way for forked
workers), so the parent's connections are never closed from it.
"""

import logging
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor

from .text import tokens, warm_up

logger = logging.getLogger(__name__)
MIN_ROWS = 5000  # below this, a fork costs more than it saves


def _segment(texts: list[str]) -> list[str]:
    return [tokens(text) for text in texts]


def may_fork() -> bool:
    """Whether this process may fork a segmenting child: it has ``fork`` and runs one thread only."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


class Pending:
    """Tokens of ``texts``, in order, once ``result()`` is called."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.executor = None
        self.future = None
        if len(texts) >= MIN_ROWS and may_fork():
            warm_up()  # the child inherits the dictionary instead of loading it
            try:
                self.executor = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
                self.future = self.executor.submit(_segment, texts)
            except OSError:  # no process to spare: segment here
                self._close()

    def result(self) -> list[str]:
        try:
            if self.future is not None:
                try:
                    return self.future.result()
                except Exception:  # noqa: BLE001 — the child died (memory, a signal): the same work, here
                    logger.warning("segmenting in a second process failed; segmenting here", exc_info=True)
            return _segment(self.texts)
        finally:
            self._close()

    def close(self) -> None:
        """Stop the child without waiting for its tokens (the batch failed before it needed them)."""
        self._close()

    def _close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
        self.executor = self.future = None


def tokens_later(texts: list[str]) -> Pending:
    return Pending(texts)
