import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govcio.settings.default")
application = get_wsgi_application()

# jieba's dictionary takes a second to load: load it here, once, before gunicorn forks its workers (preload_app),
# rather than in the first search of every worker (ARCHITECTURE.md, "Search").
from core.search import warm_up  # noqa: E402

warm_up()
