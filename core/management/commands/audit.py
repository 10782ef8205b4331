from django.core.management.base import BaseCommand, CommandError

from core import audit
from core.models import AuditHead


class Command(BaseCommand):
    help = "Verify the audit chain (exit 1 and name the first bad sequence number) or print its head."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["verify", "head", "purge"])
        parser.add_argument("--before", help="purge: delete records older than this date (YYYY-MM-DD)")

    def handle(self, *args, what, before=None, **options):
        if what == "purge":
            return self.purge(before)
        if what == "head":
            head = AuditHead.objects.filter(pk=1).first()
            self.stdout.write(f"{head.seq if head else 0} {head.hash if head else audit.GENESIS}")
            return
        result = audit.verify()
        if not result.ok:
            raise CommandError(
                f"audit chain broken at seq {result.bad_seq}: {result.reason} "
                f"({result.checked} records verified before it)"
            )
        self.stdout.write(f"ok: {result.checked} records, head {result.head_seq} {result.head_hash}")

    def purge(self, before):
        import datetime as dt

        from django.utils import timezone

        if not before:
            raise CommandError("give --before YYYY-MM-DD")
        moment = timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(before), dt.time()))
        try:
            deleted = audit.purge(before=moment)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"purged {deleted} records older than {before}")
