from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import User
from accounts.tokens import token_create


class Command(BaseCommand):
    help = (
        "Create a new API token for a user and print it once (it is stored hashed and cannot be shown again). "
        "Administrators need a confirmed second factor, and their tokens always expire."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="console", help="A label shown on the user's profile page.")

    def handle(self, *args, username, name, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username}")
        try:
            token, text = token_create(user=user, actor=None, name=name)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        if token.expiry:
            self.stderr.write(f"expires {timezone.localtime(token.expiry):%Y-%m-%d %H:%M}")
        self.stdout.write(text)
