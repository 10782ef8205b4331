from django.utils.translation import gettext_lazy as _

from core.tables import Column, Table


class UserTable(Table):
    default_sort = "username"
    columns = [
        Column("username", _("Username"), sort="username", link=True),
        Column("full_name", _("Full name"), sort="full_name"),
        Column("unit", _("Unit"), accessor="unit.name", sort="unit__path"),
        Column("title", _("Position")),
        Column("is_active", _("Active"), sort="is_active"),
        Column("last_login", _("Last login"), sort="last_login"),
    ]
