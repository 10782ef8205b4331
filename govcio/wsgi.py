import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govcio.settings.default")
application = get_wsgi_application()


def _refuse_without_audit_key() -> None:
    """Every audited write needs the audit key: without it, refuse to start (as ``govcio run`` does) rather than
    answer every change with an error. A database not reachable yet is left to the first request to report."""
    from django.db import DatabaseError
    from django.utils import translation

    from core.audit import key_problem

    try:
        with translation.override("en"):
            problem = key_problem()
    except DatabaseError:
        return
    if problem:
        raise SystemExit(problem)


_refuse_without_audit_key()

# jieba's dictionary takes a second to load: load it here, once, before gunicorn forks its workers (preload_app),
# rather than in the first search of every worker (ARCHITECTURE.md, "Search").
from core.search import warm_up  # noqa: E402

warm_up()
