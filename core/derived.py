"""Derived data kept outside the changed tables (the inventory's impact graph), asked for by the write services.

A model names what is derived from its records in ``derived_from_me``: a dotted function → the fields it reads
(None: every field). The services call ``changed(model, fields)`` explicitly after each create (``fields`` None),
update (the changed fields), import and delete (None); each function named asks for its recomputation, typically a
task enqueued once after the transaction commits (``core.tasks.enqueue_once``). Core names no domain app: the model
does.
"""

from django.utils.module_loading import import_string


def changed(model, fields=None) -> None:
    for path, reads in getattr(model, "derived_from_me", {}).items():
        if fields is None or reads is None or set(reads) & set(fields):
            import_string(path)()
