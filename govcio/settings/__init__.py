"""Settings modules: ``default`` (embedded SQLite in the data directory), ``production`` and ``test``.

This package imports nothing itself, so a module like ``test`` can prepare the environment before ``base`` reads it.
"""
