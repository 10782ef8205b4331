import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from core.models import Role, Unit


class Command(BaseCommand):
    help = (
        "Create a user with one or more roles at a unit. The password is read from standard input; none is ever "
        "defaulted. An administrator role (sysadmin, secadmin, auditadmin) cannot be combined with any other."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, action="append", help="A role code; repeat for several.")
        parser.add_argument("--unit", required=True, help="Unit code")
        parser.add_argument("--subtree", action="store_true", help="The roles cover the unit's whole subtree.")
        parser.add_argument("--full-name", default="")
        parser.add_argument("--password-stdin", action="store_true", required=True)

    def handle(self, *args, username, role, unit, subtree, full_name, password_stdin, **options):
        from accounts.services import user_create
        from core.services.roles import role_assign_console

        password = sys.stdin.readline().rstrip("\n")
        roles = list(dict.fromkeys(role))
        found = {r.code: r for r in Role.objects.filter(code__in=roles)}
        unit_obj = Unit.objects.filter(code=unit).first()
        missing = [code for code in roles if code not in found]
        if missing or unit_obj is None:
            raise CommandError(f"unknown role or unit: {', '.join(missing) or unit}")
        if User.objects.filter(username=username).exists():
            raise CommandError(f"user {username} exists")
        try:
            with transaction.atomic():  # all or nothing: no user is left behind when a role is refused
                user = user_create(actor=None, username=username, password=password, unit=unit_obj, full_name=full_name)
                # The console is the operator's own channel: it grants without a grantor in the tree.
                for code in roles:
                    role_assign_console(user=user, role=found[code], unit=unit_obj, include_descendants=subtree)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"created {username} as {', '.join(roles)} at {unit}{' and below' if subtree else ''}")
