"""Default settings: the embedded, single-machine configuration (SQLite in the data directory)."""

from .base import *  # noqa: F401,F403
