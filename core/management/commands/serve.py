import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from core import audit, audit_anchor
from core.models import Unit


class Command(BaseCommand):
    help = "Migrate, load the demo into an empty database, and serve govcio with gunicorn."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--no-demo", action="store_true")

    def handle(self, *args, host, port, no_demo, **options):
        call_command("migrate", interactive=False, verbosity=0)
        with translation.override("en"):
            problem = audit.key_problem()
        if problem:
            raise CommandError(problem)  # every audited write would fail: refuse to start rather than serve errors
        if not no_demo and not Unit.objects.exists():
            self.stdout.write("Empty database: loading the county demo …")
            call_command("demo", scale="county", seed=1)
        try:
            anchor, written = audit.anchor()
        except OSError as exc:  # worth a warning, not a refusal to serve: `govcio audit anchor` will say it again
            self.stderr.write(f"Warning: cannot write the audit anchor file {audit_anchor.path()}: {exc}")
        else:
            if written:
                self.stdout.write(f"Audit chain anchored: {anchor.date} {anchor} in {audit_anchor.path()}")
        accounts = settings.DATA_DIR / "demo-accounts.txt"
        if accounts.exists():
            self.stdout.write(f"\nDemo accounts (also in {accounts}):\n{accounts.read_text(encoding='utf-8')}")
        self.stdout.write(f"\ngovcio is running at http://{host}:{port}/  (data in {settings.DATA_DIR})\n")
        sys.stdout.flush()
        os.environ["HOST"], os.environ["PORT"] = host, str(port)
        os.environ["GOVCIO_RUN_TASK_WORKER"] = "1"  # the background tasks' worker, beside the web workers
        conf = os.path.join(os.path.dirname(__file__), "..", "..", "..", "govcio", "gunicorn_conf.py")
        os.execvp(  # noqa: S606 — replace this process with gunicorn
            sys.executable, [sys.executable, "-m", "gunicorn", "-c", os.path.abspath(conf), "govcio.wsgi:application"]
        )
