"""gunicorn settings for ``govcio run`` and production.

Memory guard: a worker is replaced after GOVCIO_WEB_MAX_REQUESTS requests (plus up to GOVCIO_WEB_MAX_REQUESTS_JITTER
more, so the workers do not all restart at once), and as soon as a request leaves it holding more than
GOVCIO_WORKER_MAX_RSS_MB of resident memory (0 turns the check off): Python rarely gives freed memory back, so a
worker that grew once stays large. Either way it finishes the requests in flight and exits, and gunicorn starts a
fresh one. Bounding the work of one request is the job of the limits on imports and uploads; systemd's MemoryMax
(README, Production) is the last fence around all the workers.
"""

import gc
import os
import resource
import subprocess
import sys

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("GOVCIO_WEB_WORKERS", "2"))
threads = int(os.environ.get("GOVCIO_WEB_THREADS", "4"))
worker_class = "gthread"
timeout = 120
accesslog = "-"
preload_app = True
max_requests = int(os.environ.get("GOVCIO_WEB_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GOVCIO_WEB_MAX_REQUESTS_JITTER", "200"))
worker_max_rss_mb = int(os.environ.get("GOVCIO_WORKER_MAX_RSS_MB", "1536"))


# `govcio run` (one machine, the database task backend) starts the task worker beside the web workers and stops it
# with them; in production the worker is a systemd unit of its own (README).
run_task_worker = os.environ.get("GOVCIO_RUN_TASK_WORKER") == "1"
_task_worker: list[subprocess.Popen] = []


def on_starting(server):
    if run_task_worker:
        command = [sys.executable, "-m", "django", "worker", "--interval", "0.1"]
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "govcio.settings.default"),
        }
        _task_worker.append(subprocess.Popen(command, env=env))  # noqa: S603 — our own interpreter and command
        server.log.info("Task worker started (pid %s)", _task_worker[0].pid)


def on_exit(server):
    for process in _task_worker:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def post_fork(server, worker):
    # Objects loaded at start-up (settings, URL tables, jieba's dictionary) never become garbage: keep the
    # collector from walking them again and again (full-GC pauses of hundreds of milliseconds otherwise).
    gc.freeze()


def rss_bytes() -> int:
    """The worker's resident memory now (Linux), else the most it ever held."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024  # bytes on macOS, kilobytes elsewhere


def post_request(worker, req, environ, resp):
    if worker_max_rss_mb <= 0 or not worker.alive:
        return
    rss = rss_bytes()
    if rss > worker_max_rss_mb * 1024 * 1024:
        worker.log.warning(
            "Worker %s holds %d MB, more than GOVCIO_WORKER_MAX_RSS_MB=%d: restarting after its requests in flight.",
            worker.pid,
            rss // (1024 * 1024),
            worker_max_rss_mb,
        )
        worker.alive = False  # gunicorn's graceful exit, as for max_requests
