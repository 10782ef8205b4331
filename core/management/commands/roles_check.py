from django.core.management.base import BaseCommand, CommandError

from core.services.roles import role_separation_violations


class Command(BaseCommand):
    help = (
        "List users who break the three-administrator separation (an administrator role together with any other "
        "role). Exits 1 when there are any. Resolve each by revoking the surplus roles on the role assignments page."
    )

    def handle(self, *args, **options):
        violations = role_separation_violations()
        for v in violations:
            self.stdout.write(f"{v.username}: {', '.join(v.roles)}")
        if violations:
            raise CommandError(f"{len(violations)} user(s) break the separation of the three administrators")
        self.stdout.write("no user breaks the separation of the three administrators")
