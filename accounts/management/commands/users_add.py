import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from core.models import Role, RoleAssignment, Unit
from core.services import object_create


class Command(BaseCommand):
    help = "Create a user with a role at a unit. The password is read from standard input; none is ever defaulted."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True)
        parser.add_argument("--unit", required=True, help="Unit code")
        parser.add_argument("--subtree", action="store_true", help="The role covers the unit's whole subtree.")
        parser.add_argument("--full-name", default="")
        parser.add_argument("--password-stdin", action="store_true", required=True)

    @transaction.atomic
    def handle(self, *args, username, role, unit, subtree, full_name, password_stdin, **options):
        from accounts.services import user_create

        password = sys.stdin.readline().rstrip("\n")
        try:
            role_obj = Role.objects.get(code=role)
            unit_obj = Unit.objects.get(code=unit)
        except (Role.DoesNotExist, Unit.DoesNotExist) as exc:
            raise CommandError(f"unknown role or unit: {exc}") from exc
        if User.objects.filter(username=username).exists():
            raise CommandError(f"user {username} exists")
        try:
            user = user_create(actor=None, username=username, password=password, unit=unit_obj, full_name=full_name)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        # The console is the operator's own channel: it bootstraps roles without a grantor in the tree.
        object_create(
            obj=RoleAssignment(user=user, role=role_obj, unit=unit_obj, include_descendants=subtree),
            actor=None,
            event="role.granted.console",
        )
        self.stdout.write(f"created {username} as {role} at {unit}{' and below' if subtree else ''}")
