from django.core.management.base import BaseCommand

from core.models import Unit


class Command(BaseCommand):
    help = "Print the organisation tree with codes."

    def add_arguments(self, parser):
        parser.add_argument("--depth", type=int, default=0, help="Stop below this depth (0 = all).")

    def handle(self, *args, depth, **options):
        qs = Unit.objects.order_by("path").values_list("depth", "name", "code", "kind")
        if depth:
            qs = qs.filter(depth__lte=depth)
        for level, name, code, kind in qs.iterator(chunk_size=5000):
            self.stdout.write(f"{'  ' * (level - 1)}{name}  [{code}] {kind}")
