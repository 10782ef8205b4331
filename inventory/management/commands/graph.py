import time

from django.core.management.base import BaseCommand

from inventory.graph import build


class Command(BaseCommand):
    help = "Build the impact graph from the links now and make it the current version of every process."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["build"])

    def handle(self, *args, action, **options):
        started = time.monotonic()
        version = build()
        if version is None:
            self.stdout.write("A build that began later has already recorded a newer graph.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Impact graph {version.name}: {version.nodes} systems, {version.edges} directed edges "
                f"in {time.monotonic() - started:.1f}s"
            )
        )
