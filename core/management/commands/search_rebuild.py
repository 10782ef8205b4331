import time

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from core import search
from core.gate import label


class Command(BaseCommand):
    help = "Recompute the search index from the objects, for every registered model or one."

    def add_arguments(self, parser):
        parser.add_argument("--model", help="only this model, as app_label.model (e.g. core.unit)")

    def handle(self, *args, model=None, **options):
        target = None
        if model:
            try:
                target = apps.get_model(model)
            except (LookupError, ValueError) as exc:
                raise CommandError(f"unknown model: {model}") from exc
            if label(target) not in search.registered():
                raise CommandError(f"{model} is not registered for search")
        search.warm_up()
        started = time.monotonic()
        counts = search.rebuild(target, stdout=self.stdout)
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"Indexed {sum(counts.values())} objects of {len(counts)} models in {elapsed:.1f}s")
        )
