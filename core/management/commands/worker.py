"""``govcio worker``: the task worker of the database backend (django-tasks-db's ``db_worker``), with jieba's
dictionary loaded before the first task (an import's commit segments its search text) and the imports of a worker
that ended before it marked failed (core.importjobs.reap). Options are ``db_worker``'s."""

from django_tasks_db.management.commands.db_worker import Command as DbWorker

from core import importjobs
from core.search.text import warm_up


class Command(DbWorker):
    help = "Run background tasks (the database backend): imports, recomputations."

    def handle(self, *args, **options):
        warm_up()
        importjobs.reap()
        return super().handle(*args, **options)
