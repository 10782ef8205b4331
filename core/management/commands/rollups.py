import time

from django.core.management.base import BaseCommand, CommandError

from core import rollups


class Command(BaseCommand):
    help = (
        "Per-unit rollups (core.rollups): 'rebuild' counts every unit again (after data written behind the services, "
        "such as raw SQL); 'check' compares the rows with a full count and fails on a difference."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "check"])

    def handle(self, *args, action: str, **options):
        started = time.monotonic()
        if action == "rebuild":
            rollups.rebuild()
            self.stdout.write(self.style.SUCCESS(f"Counted every unit again in {time.monotonic() - started:.1f}s"))
            return
        problems = rollups.check()
        for problem in problems[:50]:
            self.stdout.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} rollup rows differ from a full count; run 'govcio rollups rebuild'")
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Every rollup row matches a full count ({elapsed:.1f}s)"))
