from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from accounts.models import User
from core import audit
from core.choices import AuditAction


class Command(BaseCommand):
    help = "Print the API token of a user, creating it if needed."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {username}")
        token, created = Token.objects.get_or_create(user=user)
        if created:
            audit.record_security(action=AuditAction.EVENT, actor=user, event="api_token.created")
        self.stdout.write(token.key)
