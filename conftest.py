"""Test-wide set-up lives in govcio/settings/test.py, which pytest-django may import before this file."""
