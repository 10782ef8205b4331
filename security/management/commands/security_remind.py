import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from security import reminders


class Command(BaseCommand):
    help = (
        "Send the MLPS deadline reminders (filing, assessment, self-inspection due soon or overdue) to the "
        "department liaisons and the CIOs concerned, and escalate overdue findings. Idempotent: run it daily, "
        "e.g. from cron or a systemd timer, as `govcio security_remind` (or `manage.py security_remind`)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="run as of this day (YYYY-MM-DD) instead of today")

    def handle(self, *args, date=None, **options):
        today = None
        if date:
            try:
                today = dt.date.fromisoformat(date)
            except ValueError as exc:
                raise CommandError(f"not a date: {date}") from exc
        sent = reminders.run(today)
        self.stdout.write(self.style.SUCCESS(f"{sent} new notifications"))
