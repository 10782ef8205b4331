from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from core.roles import sync_roles_after_migrate

        post_migrate.connect(sync_roles_after_migrate, sender=self)
        from core.calendar_seed import seed_after_migrate

        post_migrate.connect(seed_after_migrate, sender=self)

        from core import search
        from core.models import Unit

        search.register(Unit, fields=["name", "short_name", "code"], url="core:unit")
