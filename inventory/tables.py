"""Tables of the inventory's list pages; the export of a list uses the same columns."""

from django.utils.translation import gettext_lazy as _

from core.tables import AnnotationColumn, BadgeColumn, Column, NowrapColumn, RelatedColumn, Table, TitleColumn

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


class SystemTable(Table):
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


class ServiceItemTable(Table):
    default_sort = "code"
    columns = [
        Column("name", _("Name"), sort="name", link=True),
        NowrapColumn("code", _("Code"), sort="code"),
        Column("unit", _("Department"), accessor="unit.name", sort="unit__path"),
        Column("channel", _("Channel"), sort="channel"),
        Column("systems", _("Delivering systems"), accessor=system_names),
    ]


class DataResourceTable(Table):
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


class LinkTable(Table):
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
