from django.core.management.base import BaseCommand

from core import staging


class Command(BaseCommand):
    help = (
        "Delete import files staged for a preview and never committed or cancelled, once they are a day old. Run daily."
    )

    def handle(self, *args, **options):
        removed = staging.purge()
        self.stdout.write(self.style.SUCCESS(f"Deleted {removed} staged import file(s) older than a day"))
