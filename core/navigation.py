"""Left navigation, by module. Apps append their groups (or items to a group) in ``AppConfig.ready``; items show only
when permitted."""

from dataclasses import dataclass, field

from django.apps import apps
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.gate import has_perm


@dataclass
class MenuItem:
    label: str
    url_name: str
    icon: str
    model: str | None = None  # "app_label.model"; shown when the user may view it
    action: str = "view"


@dataclass
class MenuGroup:
    label: str
    icon: str
    items: list[MenuItem] = field(default_factory=list)


MENU: list[MenuGroup] = [
    MenuGroup(
        _("Organisation"),
        "ti ti-sitemap",
        [
            MenuItem(_("Organisation tree"), "core:unit_tree", "ti ti-binary-tree", "core.unit"),
            MenuItem(_("Units"), "core:unit_list", "ti ti-building", "core.unit"),
        ],
    ),
    MenuGroup(
        _("Security administration"),
        "ti ti-shield-lock",
        [
            MenuItem(_("Roles"), "core:role_list", "ti ti-id-badge", "core.role"),
            MenuItem(_("Role assignments"), "core:roleassignment_list", "ti ti-user-shield", "core.roleassignment"),
        ],
    ),
    MenuGroup(
        _("System settings"),
        "ti ti-settings",
        [MenuItem(_("Holiday calendar"), "core:calendarday_list", "ti ti-calendar", "core.calendarday")],
    ),
    MenuGroup(
        _("Audit"),
        "ti ti-file-certificate",
        [MenuItem(_("Audit log"), "core:audit_list", "ti ti-list-check", "core.auditrecord")],
    ),
]


def menu_for(request) -> list[dict]:
    groups = []
    for group in MENU:
        items = []
        for item in group.items:
            if item.model:
                model = apps.get_model(item.model)
                if not has_perm(request.user, model, item.action):
                    continue
            url = reverse(item.url_name)
            items.append({"label": item.label, "url": url, "icon": item.icon, "active": request.path.startswith(url)})
        if items:
            groups.append({"label": group.label, "icon": group.icon, "items": items})
    return groups
