from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        import core.demo
        from accounts import demo
        from accounts.models import User
        from core import search
        from core.navigation import MENU, MenuItem

        core.demo.register_people(demo)  # the demo's staff and accounts: users are this app's
        search.register(User, fields=["full_name", "username", "title"], url="accounts:user")
        users = MenuItem(_("Users"), "accounts:user_list", "ti ti-users", "accounts.user")
        organisation = MENU[0].items  # after the organisation tree and the units
        if all(item.url_name != users.url_name for item in organisation):
            organisation.insert(2, users)
