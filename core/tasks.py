"""Background work, through the Django Tasks API (``django-tasks``; the same code runs on Django 6's
``django.tasks``).

The backend is a setting (``TASKS``): the database backend by default, so one machine needs nothing but the worker
that ``govcio run`` starts beside the web server (``govcio worker`` elsewhere); ``django-tasks-rq`` on Redis to
spread workers over machines; the immediate backend in tests, where a task runs when it is enqueued.

Two rules hold for every task here:

- it is enqueued after the transaction that asked for it commits (``enqueue_on_commit``): a rolled-back change asks
  for nothing, and the worker reads what the change wrote;
- a recomputation is enqueued once (``enqueue_once``): while a run with the same arguments waits, asking again adds
  nothing — that run will read the newest data anyway.
"""

from django.db import transaction
from django_tasks.base import Task


def _uses_database_backend(task: Task) -> bool:
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(task.get_backend(), DatabaseBackend)


def waiting(task: Task, *args, **kwargs) -> bool:
    """Whether a run of ``task`` with these arguments is enqueued and not yet started (database backend only:
    other backends cannot be asked, and a second run of a recomputation costs time, never correctness)."""
    if not _uses_database_backend(task):
        return False
    from django_tasks_db.compat import normalize_json
    from django_tasks_db.models import DBTaskResult

    arguments = normalize_json({"args": list(args), "kwargs": kwargs})
    return DBTaskResult.objects.ready().filter(task_path=task.module_path, args_kwargs=arguments).exists()


def enqueue_on_commit(task: Task, *args, **kwargs) -> None:
    transaction.on_commit(lambda: task.enqueue(*args, **kwargs))


def enqueue_once(task: Task, *args, **kwargs) -> None:
    def enqueue():
        if not waiting(task, *args, **kwargs):
            task.enqueue(*args, **kwargs)

    transaction.on_commit(enqueue)


def enqueue_with_transaction(task: Task, *args, **kwargs) -> None:
    """``enqueue_on_commit``, except when the backend keeps the task with the transaction's own writes: the database
    backend writes the task's row in the same transaction (a worker sees both or neither, and a rollback drops
    both), and the immediate backend (tests) runs it here, reading what the transaction wrote. Then it is enqueued
    at once, which also holds inside a test's wrapping transaction, whose commit never comes."""
    from django_tasks.backends.immediate import ImmediateBackend

    if _uses_database_backend(task) or isinstance(task.get_backend(), ImmediateBackend):
        task.enqueue(*args, **kwargs)
    else:
        enqueue_on_commit(task, *args, **kwargs)
