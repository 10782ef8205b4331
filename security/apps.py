from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "security"
    verbose_name = _("Security and compliance")

    def ready(self):
        import core.demo
        from core import panels, rollups, search
        from core.gate import label
        from security import (
            cards,  # noqa: F401  (home-page card; validates fusion_weights.yaml at start-up)
            menu,  # noqa: F401  (the navigation group)
            ranking,
        )
        from security.demo import extension
        from security.models import Finding, Risk
        from security.panels import system_tab
        from security.selectors import dashboard
        from security.services import review

        review.register()  # a system's scope change marks its grading for review; a loaded year, its deadlines

        if label(Finding) not in search.registered():
            search.register(Finding, fields=["title", "reference", "asset", "system__name"])
            search.register(Risk, fields=["title", "description"])
        panels.add_tab("inventory.system", system_tab)
        dashboard.register()  # the dashboard's per-unit rollups (core.rollups)
        rollups.watch(ranking.requested)  # every write asks for a new fusion ranking (security.ranking)
        if extension not in core.demo.EXTENSIONS:  # after the inventory's: its app comes first in INSTALLED_APPS
            core.demo.EXTENSIONS.append(extension)
