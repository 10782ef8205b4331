from django.core.management.base import BaseCommand, CommandError

from core.demo import SCALES, DemoError, generate


class Command(BaseCommand):
    help = (
        "Fill an empty database with deterministic, fictional demo data at a scale profile (DOMAIN.md §2): the "
        "organisation tree, staff and one demo account per role. The demo accounts share one random password, "
        "printed at the end and written to DATA_DIR/demo-accounts.txt (mode 0600)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=list(SCALES), default="county", help="Scale profile (default county).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed; the same seed gives the same data.")
        parser.add_argument(
            "--force", action="store_true", help="Run on a database that already has units (adds a new tree)."
        )

    def handle(self, *args, scale, seed, force, **options):
        try:
            generate(scale, seed, stdout=self.stdout, force=force)
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
