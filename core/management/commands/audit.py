import argparse
import logging

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from core import audit, audit_anchor
from core.models import AuditHead

logger = logging.getLogger("govcio.audit")


def expected_head(text: str) -> tuple[int, str]:
    with translation.override("en"):
        try:
            return audit_anchor.parse_head(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"{text!r}: {exc}") from exc


class Command(BaseCommand):
    help = (
        "The audit chain. verify: recompute it and hold it against every anchor (exit 1 and name the first fault); "
        "head: print SEQ:HASH for anchoring elsewhere; anchor: write the day's head to the anchor file and the "
        "operator's log (idempotent: run it daily from cron or a systemd timer); purge: delete old records."
    )

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["verify", "head", "anchor", "purge"])
        parser.add_argument("--before", help="purge: delete records older than this date (YYYY-MM-DD)")
        parser.add_argument(
            "--expect-head",
            type=expected_head,
            metavar="SEQ:HASH",
            help="verify: fail unless the chain reaches this record with this hash (a head kept outside the system)",
        )

    def handle(self, *args, **options):
        with translation.override("en"):  # like every command's output, and the operator's log
            return self.run(**options)

    def run(self, *, what, before=None, expect_head=None, **options):
        if expect_head is not None and what != "verify":
            raise CommandError("--expect-head goes with verify")
        if what == "purge":
            return self.purge(before)
        if what == "head":
            head = AuditHead.objects.filter(pk=1).first()
            self.stdout.write(f"{head.seq if head else 0}:{head.hash if head else audit.GENESIS}")
            return
        if what == "anchor":
            try:
                anchor, written = audit.anchor()
            except OSError as exc:
                raise CommandError(f"cannot write the anchor file {audit_anchor.path()}: {exc}") from exc
            if anchor is None:
                self.stdout.write("nothing to anchor: the audit log is empty")
            else:
                done = "anchored" if written else "already anchored today"
                self.stdout.write(f"{done}: {anchor.date} {anchor} in {audit_anchor.path()}")
            return
        result = audit.verify(expect_head=expect_head)
        if not result.ok:
            logger.error("%s", result.message())
            raise CommandError(result.message())
        self.stdout.write(result.message())

    def purge(self, before):
        import datetime as dt

        from django.utils import timezone

        if not before:
            raise CommandError("give --before YYYY-MM-DD")
        try:
            day = dt.date.fromisoformat(before)
        except ValueError as exc:
            raise CommandError(f"not a date: {before}") from exc
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time()))
        try:
            deleted = audit.purge(before=moment)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"purged {deleted} records older than {before}")
