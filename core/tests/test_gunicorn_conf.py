"""The web workers' memory guard (govcio/gunicorn_conf.py): a worker restarts after a number of requests (with
jitter, from the environment), and as soon as a request leaves it above GOVCIO_WORKER_MAX_RSS_MB of resident memory,
gracefully: gunicorn's own ``alive`` flag, which lets the requests in flight finish."""

import importlib
import logging
import resource
from types import SimpleNamespace

import pytest

import govcio.gunicorn_conf as conf

MB = 1024 * 1024


@pytest.fixture
def worker():
    return SimpleNamespace(alive=True, pid=4242, log=logging.getLogger("test.gunicorn"))


@pytest.fixture
def fresh_conf(monkeypatch):
    def load(**env):
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return importlib.reload(conf)

    yield load
    monkeypatch.undo()
    importlib.reload(conf)


def test_max_requests_with_jitter_from_the_environment(fresh_conf):
    loaded = fresh_conf(GOVCIO_WEB_MAX_REQUESTS="500", GOVCIO_WEB_MAX_REQUESTS_JITTER="50")
    assert (loaded.max_requests, loaded.max_requests_jitter) == (500, 50)
    loaded = fresh_conf()
    assert loaded.max_requests > 0 and 0 < loaded.max_requests_jitter < loaded.max_requests


def test_a_worker_past_the_memory_limit_is_asked_to_restart(fresh_conf, worker, monkeypatch, caplog):
    loaded = fresh_conf(GOVCIO_WORKER_MAX_RSS_MB="512")
    monkeypatch.setattr(loaded, "rss_bytes", lambda: 400 * MB)
    loaded.post_request(worker, None, {}, None)
    assert worker.alive
    monkeypatch.setattr(loaded, "rss_bytes", lambda: 600 * MB)
    with caplog.at_level(logging.WARNING, logger="test.gunicorn"):
        loaded.post_request(worker, None, {}, None)
    assert not worker.alive
    assert "600 MB" in caplog.text and "GOVCIO_WORKER_MAX_RSS_MB=512" in caplog.text


def test_zero_turns_the_memory_guard_off(fresh_conf, worker, monkeypatch):
    loaded = fresh_conf(GOVCIO_WORKER_MAX_RSS_MB="0")
    monkeypatch.setattr(loaded, "rss_bytes", lambda: 100_000 * MB)
    loaded.post_request(worker, None, {}, None)
    assert worker.alive


def test_resident_memory_is_read_from_the_process():
    now = conf.rss_bytes()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    assert 10 * MB < now <= peak * 1.05
    grown = bytearray(64 * MB)
    grown[::4096] = b"x" * len(grown[::4096])  # touch every page
    assert conf.rss_bytes() > now + 48 * MB
    del grown
