import time

from django.core.management.base import BaseCommand

from security import ranking


class Command(BaseCommand):
    help = "Weigh the fusion ranking of every system now (security.ranking; a background task does it after writes)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["compute"])

    def handle(self, *args, **options):
        started = time.monotonic()
        ranked = ranking.compute()
        self.stdout.write(self.style.SUCCESS(f"Ranked {ranked} systems in {time.monotonic() - started:.1f}s"))
