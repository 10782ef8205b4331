"""Test-wide set-up lives in govcio/settings/test.py, which pytest-django may import before this file.

The browser fixtures are registered once here, so every browser test in a worker shares one Chromium."""

pytest_plugins = ["core.tests.browser.fixtures"]
