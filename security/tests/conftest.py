import pytest


@pytest.fixture(autouse=True)
def english_pages(settings):
    """These tests assert the English msgids; the Chinese interface is driven by the browser walkthroughs (their
    browser asks for zh-CN) and the translations are checked by scripts/i18n.py."""
    settings.LANGUAGE_CODE = "en"
