"""Test-wide set-up lives in govcio/settings/test.py, which pytest-django may import before this file.

The browser fixtures are registered once here, so every browser test in a worker shares one Chromium."""

import pytest

pytest_plugins = ["core.tests.browser.fixtures"]


@pytest.fixture(autouse=True)
def _own_audit_anchor_file(settings, tmp_path):
    """Each test anchors the audit chain in a file of its own: anchors outlive the rolled-back database."""
    settings.GOVCIO_AUDIT_ANCHOR_FILE = tmp_path / "audit-anchors.txt"
