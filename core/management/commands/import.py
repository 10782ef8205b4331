"""``govcio import MODEL FILE [--update] --user NAME``: a table import from the console, through the import page's
own validation and commit (the same services, scope and audit, as the account named), all or nothing."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation

from core import gate, importjobs
from core.management import acting_user, add_user_argument
from core.views.imports import import_pages


class Command(BaseCommand):
    help = "Import a table (.xlsx or .csv) as an import page would: MODEL is its name in the pages (e.g. systems)."

    def add_arguments(self, parser):
        parser.add_argument("model", help="The import, as named in its page's address: " + ", ".join(import_pages()))
        parser.add_argument("file", help="The .xlsx or .csv file.")
        parser.add_argument("--update", action="store_true", help="Add and update: rows matching a record update it.")
        add_user_argument(parser, "the import")

    def handle(self, *args, model, file, update, user, **options):
        with translation.override(settings.LANGUAGE_CODE):
            counts = run_import(name=model, path=Path(file), update=update, username=user)
        self.stdout.write(
            "{created} created, {updated} updated, {unchanged} unchanged, {skipped} skipped".format(**counts)
        )


def run_import(*, name: str, path: Path, update: bool, username: str) -> dict:
    pages = import_pages()
    if name not in pages:
        raise CommandError(f"unknown import {name!r}; choose one of: {', '.join(pages)}")
    actor = acting_user(username)
    page = importjobs.page_for_user(pages[name], actor, settings.LANGUAGE_CODE)
    if not gate.has_perm(actor, page.get_model(), "import"):
        raise CommandError(f"{username} may not import {name}")
    if update and not page.offers_update:
        raise CommandError(f"{name} has no update mode: it can only add records")
    page.update = update
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise CommandError(f"{path}: {exc.strerror}") from None
    if size > settings.GOVCIO_IMPORT_MAX_BYTES:
        raise CommandError(f"{path}: larger than the import limit of {settings.GOVCIO_IMPORT_MAX_BYTES} bytes")
    with path.open("rb") as handle, transaction.atomic():
        result, error = page.validate(handle, path.name)
        if error:
            raise CommandError(error)
        if not result.ok:
            lines = [f"row {e.row or '-'}, {e.column or '-'}: {e.message}" for e in result.errors]
            raise CommandError("nothing was imported:\n" + "\n".join(lines))
        counts = importjobs.outcome(page.commit(result.rows))
    counts.setdefault("updated", 0)
    counts.setdefault("unchanged", 0)
    return counts | {"skipped": result.skipped}
