"""Test settings: the defaults plus a fast password hasher (hashing cost is not what the tests measure).

The environment is prepared here, before the base settings read it, because pytest-django may import the settings
before any conftest runs: a throwaway data directory, and PostgreSQL when GOVCIO_TEST_DATABASE_URL is set.
"""

import os
import tempfile

os.environ.setdefault("GOVCIO_DATA_DIR", tempfile.mkdtemp(prefix="govcio-test-"))
_worker = os.environ.get("PYTEST_XDIST_WORKER")
if _worker and os.path.basename(os.environ["GOVCIO_DATA_DIR"]) != _worker:
    # Workers inherit the controller's directory: each gets its own inside it (staged files, uploads, keys). A
    # process a test starts inherits the worker's own, already named after it, and shares it.
    os.environ["GOVCIO_DATA_DIR"] = os.path.join(os.environ["GOVCIO_DATA_DIR"], _worker)
if os.environ.get("GOVCIO_TEST_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["GOVCIO_TEST_DATABASE_URL"]

from .base import *  # noqa: E402,F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
