import getpass
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from core.choices import UnitKind
from core.models import Role, Unit
from core.roles import ADMIN_ROLES
from core.services.roles import role_assign_console


class Command(BaseCommand):
    help = (
        "Create a separated administrator (sysadmin, secadmin or auditadmin) at the root unit. On an empty "
        "database, --root-name/--root-code/--root-kind create the root unit first. No password is ever defaulted."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", choices=ADMIN_ROLES, default="sysadmin")
        parser.add_argument("--full-name", default="")
        parser.add_argument("--root-name")
        parser.add_argument("--root-code")
        parser.add_argument(
            "--root-kind", choices=[UnitKind.PROVINCE, UnitKind.CITY, UnitKind.COUNTY], default=UnitKind.COUNTY
        )
        parser.add_argument("--password-stdin", action="store_true")

    @transaction.atomic
    def handle(self, *args, username, role, full_name, root_name, root_code, root_kind, password_stdin, **options):
        from accounts.services import user_create
        from core.services.units import unit_create

        root = Unit.objects.filter(parent__isnull=True).order_by("path").first()
        if root is None:
            if not (root_name and root_code):
                raise CommandError("the tree is empty: give --root-name and --root-code to create the root unit")
            root = unit_create(actor=None, kind=root_kind, name=root_name, code=root_code)
        if User.objects.filter(username=username).exists():
            raise CommandError(f"user {username} exists")
        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("the passwords differ")
        try:
            user = user_create(actor=None, username=username, password=password, unit=root, full_name=full_name)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        role_assign_console(user=user, role=Role.objects.get(code=role), unit=root, include_descendants=True)
        self.stdout.write(
            f"created {role} {username} at {root.name} [{root.code}]; the second factor is set up at first login"
        )
