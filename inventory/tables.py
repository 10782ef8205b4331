"""Tables of the inventory's list pages; the export of a list uses the same columns."""

from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.tables import Column, RelatedColumn, Table, TitleColumn

from . import choices as c

# Tabler colours of the badges, shared by the tables and the detail pages.
STATUS_COLORS = {
    c.SystemStatus.PLANNED: "azure",
    c.SystemStatus.BUILDING: "blue",
    c.SystemStatus.RUNNING: "green",
    c.SystemStatus.SUSPENDED: "yellow",
    c.SystemStatus.RETIRED: "secondary",
}
SHARING_COLORS = {
    c.SharingType.UNCONDITIONAL: "green",
    c.SharingType.CONDITIONAL: "yellow",
    c.SharingType.NOT_SHARED: "red",
}
DATA_CLASS_COLORS = {c.DataClass.CORE: "red", c.DataClass.IMPORTANT: "orange", c.DataClass.GENERAL: "secondary"}


class BadgeColumn(Column):
    """A choice shown as a coloured badge on the page and as its label in the export (labels come translated once
    per language from core.tables)."""

    def __init__(self, name, header, colors, **kwargs):
        super().__init__(name, header, **kwargs)
        self.colors = colors

    def html(self, obj):
        text = self.text(obj)
        if not text:
            return ""
        color = self.colors.get(getattr(obj, self.name), "secondary")
        return format_html('<span class="badge bg-{}-lt">{}</span>', color, text)


class NowrapColumn(Column):
    """Codes and dates stay on one line, so the names get the width."""

    def html(self, obj):
        text = self.text(obj)
        return format_html('<span class="text-nowrap">{}</span>', text) if text else ""


class AnnotationColumn(Column):
    """A value the list's queryset annotates (a count): read as it is, and left out of the export's ``only()``."""

    def value(self, obj):
        return getattr(obj, self.name)


class InventoryTable(Table):
    @classmethod
    def only_fields(cls):
        plain = [column for column in cls.columns if not isinstance(column, AnnotationColumn)]
        return type("Plain", (Table,), {"columns": plain}).only_fields()


class SystemTable(InventoryTable):
    default_sort = "code"
    columns = [
        Column("name", _("Name"), sort="name", link=True),
        NowrapColumn("code", _("Code"), sort="code"),
        Column("owner_unit", _("Owning department"), accessor="owner_unit.name", sort="owner_unit__path"),
        BadgeColumn("status", _("Status"), STATUS_COLORS, sort="status"),
        Column("hosting", _("Hosting"), sort="hosting"),
        NowrapColumn("last_active_date", _("Last active"), sort="last_active_date"),
        Column("annual_om_cost", _("Annual O&M cost (10k yuan)"), sort="annual_om_cost"),
        Column("mlps_level", _("MLPS level"), sort="mlps_level"),
    ]


def system_names(obj) -> str:
    return "、".join(system.name for system in obj.systems.all())


class ServiceItemTable(InventoryTable):
    default_sort = "code"
    columns = [
        Column("name", _("Name"), sort="name", link=True),
        NowrapColumn("code", _("Code"), sort="code"),
        Column("unit", _("Department"), accessor="unit.name", sort="unit__path"),
        Column("channel", _("Channel"), sort="channel"),
        Column("systems", _("Delivering systems"), accessor=system_names),
    ]


class DataResourceTable(InventoryTable):
    default_sort = "code"
    columns = [
        Column("name", _("Name"), sort="name", link=True),
        NowrapColumn("code", _("Code"), sort="code"),
        Column("provider", _("Provider"), accessor="provider.name", sort="provider__path"),
        Column("kind", _("Catalog kind"), sort="kind"),
        BadgeColumn("sharing_type", _("Sharing type"), SHARING_COLORS, sort="sharing_type"),
        Column("open_attribute", _("Open attribute"), sort="open_attribute"),
        Column("update_cycle", _("Update cycle"), sort="update_cycle"),
        RelatedColumn("system", _("Holding system"), sort="system__name", name_field="name"),
        AnnotationColumn("item_count", _("Items"), sort="item_count"),
    ]


class LinkTable(InventoryTable):
    default_sort = "from_system__code"
    columns = [
        TitleColumn("link", _("Link"), link=True),
        Column(
            "from_unit", _("Department"), accessor="from_system.owner_unit.name", sort="from_system__owner_unit__path"
        ),
        Column("direction", _("Direction"), sort="direction"),
        Column("method", _("Method"), sort="method"),
        Column("frequency", _("Frequency"), sort="frequency"),
        AnnotationColumn("resource_count", _("Resources carried"), sort="resource_count"),
    ]
