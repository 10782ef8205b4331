"""gunicorn settings for ``govcio run`` and production."""

import gc
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("GOVCIO_WEB_WORKERS", "2"))
threads = int(os.environ.get("GOVCIO_WEB_THREADS", "4"))
worker_class = "gthread"
timeout = 120
accesslog = "-"
preload_app = True


def post_fork(server, worker):
    # Objects loaded at start-up (settings, URL tables, jieba's dictionary) never become garbage: keep the
    # collector from walking them again and again (full-GC pauses of hundreds of milliseconds otherwise).
    gc.freeze()
