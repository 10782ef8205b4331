"""Test-wide set-up: a throwaway data directory, so tests never touch ./data."""

import os
import tempfile

os.environ.setdefault("GOVCIO_DATA_DIR", tempfile.mkdtemp(prefix="govcio-test-"))
if os.environ.get("GOVCIO_TEST_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["GOVCIO_TEST_DATABASE_URL"]
