"""``govcio findings import FILE --system CODE --user NAME``: a scanner's export from the console, through the same
reading and the same service as the scanner import page (security.scanner, services.findings.scan_import), as the
account ``--user`` names (its scope applies, the audit names it). Prints "N created, M updated, K unchanged, J
skipped" (reopened findings are among the updated); on bad input, every problem and a non-zero exit, nothing
written."""

import datetime as dt
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from accounts.models import User
from core.io import ImportFileError
from core.management import acting_user, add_user_argument
from security import scanner
from security.choices import ScannerFormat
from security.forms.scanner import importable_systems
from security.models import ScannerMapping
from security.services import findings as services

FORMATS = ["auto", ScannerFormat.OPENVAS, ScannerFormat.NESSUS, ScannerFormat.CSV]
MAX_SHOWN = 200


def day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {text}") from exc


class Command(BaseCommand):
    help = "Findings from the console. import: read a scanner's export (OpenVAS/GVM CSV, Nessus CSV or .nessus, or a "
    help += "CSV/.xlsx with a saved column mapping) into a system's findings."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["import"])
        parser.add_argument("file", help="the scanner's export")
        parser.add_argument("--system", required=True, help="the code of the information system scanned")
        parser.add_argument("--format", choices=FORMATS, default="auto", help="the export's format (default: auto)")
        parser.add_argument("--mapping", help="the name of a saved column mapping (for a generic CSV or .xlsx)")
        parser.add_argument("--found-on", help="the day of the scan for rows without a date (default: today)")
        parser.add_argument("--owner", help="the user name of the new findings' owner")
        add_user_argument(parser, "the import")

    def handle(self, *args, **options):
        with translation.override("en"):  # like every command's output
            self.run(**options)

    def run(self, *, file, system, format, mapping=None, found_on=None, owner=None, user="", **options):
        actor = acting_user(user)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"no such file: {file}")
        target = importable_systems(actor).filter(code=system).first()
        if target is None:
            raise CommandError(f"no system with the code {system} on which {actor.get_username()} may import findings")
        scan_day = day(found_on) if found_on else timezone.localdate()
        if scan_day > timezone.localdate():
            raise CommandError(scanner.future_message(scan_day))
        person = None
        if owner:
            person = User.objects.restrict(actor, "view").filter(username=owner).first()  # as the page offers
            if person is None:
                raise CommandError(f"no user named {owner} whom {actor.get_username()} may see")
        with path.open("rb") as handle:
            try:
                found = self.format_of(scanner.detect(handle, path.name), format)
                saved = self.mapping(mapping, found, actor)
                columns = saved.columns if saved else scanner.guess_columns(found.headers)
                words = saved.severities if saved else scanner.DEFAULT_WORDS
                if not found.known:
                    self.require_columns(columns)
                result = scanner.read_scan(
                    handle,
                    path.name,
                    columns=columns,
                    words=words,
                    system=target,
                    found_on=scan_day,
                    user=actor,
                    owner=person,
                    found=found,
                )
            except ImportFileError as exc:
                raise CommandError(str(exc)) from exc
        if not result.ok:
            lines = [f"row {e.row}, {e.column or '-'}: {e.message}" for e in result.errors[:MAX_SHOWN]]
            raise CommandError(f"{path.name}: {len(result.errors)} problem(s), nothing imported\n" + "\n".join(lines))
        if result.changes_anything:
            try:
                services.scan_import(actor=actor, system=target, result=result, filename=path.name, mapping=saved)
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
        self.report(result)

    def format_of(self, found, wanted: str):
        """The detected format, or the generic mapping when ``--format csv`` asks for it on a known CSV."""
        if wanted == ScannerFormat.CSV and found.known and found.kind != scanner.XML:
            return scanner.Detected(ScannerFormat.CSV, found.headers)
        if wanted != "auto" and found.scanner != wanted:
            if found.kind == ScannerFormat.CSV:
                raise CommandError(f"the file's header is not that of {wanted}: {', '.join(found.headers[:30])}")
            raise CommandError(f"the file is {found.label}, not {wanted}")
        return found

    def mapping(self, name, found, actor):
        if not name:
            return None
        if found.known:
            raise CommandError(f"the file is {found.label}: it needs no mapping")
        mappings = list(ScannerMapping.objects.restrict(actor, "view").filter(name=name).select_related("unit")[:2])
        if not mappings:
            raise CommandError(f"no saved mapping named {name}")
        if len(mappings) > 1:
            raise CommandError(f"several units have a mapping named {name}")
        return mappings[0]

    def require_columns(self, columns):
        missing = [str(t.label) for t in scanner.TARGETS if t.required and not columns.get(t.name)]
        if missing:
            raise CommandError(
                "the columns are not recognised and no --mapping is given; missing: " + ", ".join(missing)
            )

    def report(self, result):
        updated = result.updated + result.reopened
        line = f"{result.created} created, {updated} updated, {result.unchanged} unchanged, {result.skipped} skipped"
        self.stdout.write(line)
        if result.reopened:
            self.stdout.write(f"reopened (verified, found again): {result.reopened}")
        for reason, count in sorted(result.skips.items()):
            self.stdout.write(f"skipped, {scanner.REASONS[reason]}: {count}")
        if not result.changes_anything:
            self.stdout.write("nothing new: every finding of the file is already recorded")
