from core.tests.browser.conftest import browser, page, pytest_collection_modifyitems  # noqa: F401
