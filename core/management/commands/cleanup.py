from django.core.management.base import BaseCommand

from core import importjobs, staging


class Command(BaseCommand):
    help = (
        "Mark failed the background imports whose worker ended, and delete import files kept for a preview and never "
        "committed or cancelled, once they are a day old. Run daily."
    )

    def handle(self, *args, **options):
        failed = importjobs.reap()
        if failed:
            self.stdout.write(f"Marked {failed} import(s) failed: their worker ended")
        removed = staging.purge()
        self.stdout.write(self.style.SUCCESS(f"Deleted {removed} staged import file(s) older than a day"))
