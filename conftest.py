"""Test-wide set-up lives in govcio/settings/test.py, which pytest-django may import before this file.

The browser fixtures are registered once here, so every browser test in a worker shares one Chromium."""

import pytest

pytest_plugins = ["core.tests.browser.fixtures"]


@pytest.fixture(autouse=True)
def _fresh_versioned_results():
    """Results cached per process under the audit chain's versions (core.versions) start empty in every test: test
    data made straight through the ORM is not audited, so it would not tell one test's estate from another's."""
    from core import versions

    versions.forget()
    yield


@pytest.fixture(autouse=True)
def _own_audit_anchor_file(settings, tmp_path):
    """Each test anchors the audit chain in a file of its own: anchors outlive the rolled-back database."""
    settings.GOVCIO_AUDIT_ANCHOR_FILE = tmp_path / "audit-anchors.txt"
