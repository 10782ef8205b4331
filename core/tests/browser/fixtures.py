"""Headless Chromium (Debian's) driven by Playwright against pytest-django's live server.

Runs when /usr/bin/chromium exists; with GOVCIO_BROWSER_TESTS=1 (CI) a missing browser is a failure, not a skip.
Screenshots land in test-artifacts/ for a person to look at.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("GOVCIO_BROWSER_TESTS") == "1":
            pytest.fail("chromium is required for the browser tests (apt-get install chromium fonts-noto-cjk)")
        pytest.skip("chromium is not installed")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    # Generous: two xdist workers share two cores with the browser and the live server; a page that never comes
    # still fails, a slow one under load does not.
    page.set_default_timeout(45_000)
    page.base = live_server.url
    yield page
    context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
