"""The import page under the Content-Security-Policy with a real task worker: the upload shows the progress bar,
which opens the preview when the worker has checked the file; the confirmation shows it again until the worker has
committed, then the list with the count. The browser reports no policy violation and no script error. (PostgreSQL.)"""

import threading

import pytest
from django.db import connection
from django.test import override_settings
from django_tasks_db.management.commands.db_worker import Worker as DbWorker
from playwright.sync_api import expect

from core.models import Unit
from core.testing import build_tree, make_user
from core.tests.browser.fixtures import shot
from core.tests.browser.test_csp import Watch
from core.tests.browser.test_walkthrough import login

pytestmark = pytest.mark.django_db(transaction=True)
CSV = "类型,名称,简称,代码,统一社会信用代码,上级代码\n部门,甲县统计局,统计局,990001-TJ,,990001\n".encode()
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class Worker(threading.Thread):
    """django-tasks-db's worker loop (what ``govcio worker`` runs) in a thread of the test process, sharing the live
    server's database; signals, which only the main thread may handle, are left alone."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.stop = threading.Event()

    def run(self) -> None:
        try:
            while not self.stop.wait(0.2):
                DbWorker(
                    queue_names=["default"],
                    interval=0,
                    batch=True,
                    backend_name="default",
                    startup_delay=False,
                    max_tasks=None,
                    worker_id="browser-test",
                    excluded_queue_names=[],
                ).run()
        finally:
            connection.close()


def test_the_page_follows_the_worker_under_the_policy(page):
    if connection.vendor != "postgresql":
        # Two connections to the tests' in-memory SQLite database share its cache, whose table locks make a read
        # fail while the worker's commit writes; a file database in WAL mode, as in production, lets readers read.
        pytest.skip("a worker beside the live server needs a database server")
    tree = build_tree()
    make_user("zhou_cio", "cio", tree.county_a, full_name="周建国")
    watch = Watch(page)
    worker = Worker()
    with override_settings(TASKS=DB_TASKS):
        login(page, "zhou_cio")
        page.wait_for_url(page.base + "/")
        watch.visit("core:unit_import")
        page.set_input_files("#import-file", files=[{"name": "units.csv", "mimeType": "text/csv", "buffer": CSV}])
        page.click("#check-file")
        expect(page.locator("#import-progress")).to_be_visible()  # nobody has checked it yet
        worker.start()
        try:
            expect(page.locator("#import-preview")).to_contain_text("甲县统计局", timeout=30_000)
            shot(page, "import-preview")
            page.click("#confirm-import")
            expect(page.locator("#import-progress")).to_be_visible()
            page.wait_for_url(page.base + "/org/units/", timeout=60_000)
            expect(page.locator("body")).to_contain_text("已从“units.csv”导入 1 条记录")
            assert Unit.objects.filter(code="990001-TJ").exists()
            watch.check("import")
        finally:
            worker.stop.set()
            worker.join(timeout=30)
