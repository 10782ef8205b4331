"""Import schemas of the inventory's records: one definition gives the template, the validation and the columns.

Relations written as lists of codes (a service item's systems, a link's resources) are resolved after the cells are
parsed, with one restricted query per file (``core.io.checks.resolve_codes``), like the organisation's parent codes.
"""

import re

from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import gate
from core.io import MANAGED_UNIT, CellError, Column, ForeignKey, Schema, field_column, parsers

from . import choices as c
from .models import RESOURCE_CODE, DataResource, Link, ServiceItem, System, validate_resource


class Items(list):
    """Parsed data items; shown in the import preview as they were written."""

    def __str__(self) -> str:
        return "; ".join(f"{name}:{data_type}" for name, data_type in self)


def data_items() -> parsers.Parser:
    """``姓名:string;身份证号:string;出生日期:date`` — the type is its code or its label; without one it is text."""
    data_type = parsers.choice(c.DataType)

    def parse(value: str) -> Items:
        items = Items()
        for part in re.split(r"[;；\n]+", value):
            name, _sep, type_text = part.replace("：", ":").partition(":")
            name = name.strip()
            if not name:
                if part.strip():
                    raise ValueError(gettext("Each item needs a name before the colon."))
                continue
            if len(name) > 100:
                raise ValueError(gettext("An item name has at most 100 characters: “{name}”.").format(name=name[:20]))
            try:
                kind = data_type(type_text.strip()) if type_text.strip() else c.DataType.STRING
            except ValueError as exc:
                raise ValueError(f"{name}: {exc}") from None
            items.append((name, str(kind)))
        return items

    parse.empty = Items()  # type: ignore[attr-defined]
    parse.hint = _("Name:type pairs separated by semicolons, e.g. 姓名:string;出生日期:date.")  # type: ignore[attr-defined]
    return parse


YES_NO = _("Yes (是) or No (否).")

system_schema = Schema(
    System,
    [
        Column("name", _("System name"), parser=parsers.text(100), required=True, example="城乡居民医保结算系统"),
        Column("code", _("System code"), parser=parsers.text(40), required=True, unique=True, example="YB-JS-01"),
        ForeignKey(
            "owner_unit",
            _("Owning department code"),
            "core.Unit",
            required=True,
            example="330122-YBJ",
            help=MANAGED_UNIT,
        ),
        field_column(System, "responsible_person", _("Responsible person"), example="王建国"),
        field_column(System, "purpose", _("Purpose"), example="医保费用即时结算"),
        field_column(System, "user_scope", _("Users"), example=c.UserScope.PUBLIC.label),
        field_column(System, "user_count", _("Number of users"), example=3200),
        field_column(System, "status", _("Status"), example=c.SystemStatus.RUNNING.label),
        field_column(System, "go_live_date", _("Go-live date"), example="2021-06-30"),
        field_column(System, "last_active_date", _("Last active"), example="2026-03-01"),
        field_column(System, "hosting", _("Hosting"), example=c.Hosting.GOV_CLOUD.label),
        field_column(System, "network", _("Network"), example=c.Network.EGOV_EXTRANET.label),
        *[
            col
            for part, label, example in (
                ("language", _("Development language"), "Java"),
                ("database", _("Database"), "达梦 DM8"),
                ("os", _("Operating system"), "麒麟 V10"),
                ("middleware", _("Middleware"), "东方通 TongWeb"),
                ("cpu", _("CPU"), "鲲鹏 920"),
            )
            for col in (
                field_column(System, f"tech_{part}", label, example=example),
                field_column(
                    System,
                    f"tech_{part}_domestic",
                    format_lazy(_("{part} domestic"), part=label),
                    example="是",
                    help=YES_NO,
                ),
            )
        ],
        field_column(System, "vendor", _("Vendor"), example="示例信息技术有限公司"),
        field_column(System, "om_contract_end", _("O&M contract end"), example="2026-12-31"),
        field_column(System, "build_cost", _("Build cost (10k yuan)"), example="120.5"),
        field_column(System, "annual_om_cost", _("Annual O&M cost (10k yuan)"), example="18"),
        field_column(
            System,
            "url",
            _("URL"),
            parser=parsers.regex(r"^https?://\S{1,190}$", _("Enter a web address starting with http:// or https://.")),
            example="https://yb.example.gov.cn",
        ),
        field_column(System, "data_class", _("Data classification"), example=c.DataClass.IMPORTANT.label),
    ],
)


serviceitem_schema = Schema(
    ServiceItem,
    [
        Column("name", _("Item name"), parser=parsers.text(200), required=True, example="城乡居民医保参保登记"),
        Column("code", _("Item code"), parser=parsers.text(60), required=True, unique=True, example="330122-YB-001"),
        ForeignKey("unit", _("Department code"), "core.Unit", required=True, example="330122-YBJ", help=MANAGED_UNIT),
        field_column(ServiceItem, "channel", _("Channel"), example=c.Channel.ONLINE.label),
        Column(
            "systems",
            _("Delivering system codes"),
            parser=parsers.code_list(),
            example="YB-JS-01, YB-CB-02",
            help=_("Codes of systems you can see, separated by commas."),
        ),
    ],
)


class CatalogSchema(Schema):
    """The classification comes from the code (类 must match the kind); the catalog rules of the model apply to
    every row, so the file is checked exactly like the form."""

    def clean_row(self, row):
        match = RESOURCE_CODE.match(row["code"])
        row.update(
            class_code=c.CATALOG_CLASS_DIGIT[row["kind"]],
            item_code=match["item"],
            category_code=match["category"],
            detail_code=match["detail"],
        )
        fields = {key: value for key, value in row.items() if key != "items"}
        errors = validate_resource(DataResource(**fields))
        if errors:
            raise ValueError(" ".join(str(message) for message in errors.values()))


dataresource_schema = CatalogSchema(
    DataResource,
    [
        Column(
            "kind",
            _("Catalog kind"),
            required=True,
            example=c.CatalogKind.DEPARTMENTAL.label,
            help=_("Basic, thematic or departmental: the first digit of the code (类) follows from it."),
        ),
        Column(
            "code",
            _("Resource code"),
            parser=parsers.regex(RESOURCE_CODE.pattern, _("Use the classification code, a slash and 6 digits.")),
            required=True,
            unique=True,
            example="301001/000001",
            help=_("类 (1 digit, from the kind) + 项 (2) + 目 (3) + 细目 (optional) / 6-digit sequence number."),
        ),
        Column("name", _("Resource name"), parser=parsers.text(200), required=True, example="城乡居民参保信息"),
        ForeignKey("provider", _("Provider code"), "core.Unit", required=True, example="330122-YBJ", help=MANAGED_UNIT),
        field_column(DataResource, "abstract", _("Abstract"), example="全县城乡居民医保参保人员基本信息"),
        field_column(DataResource, "format", _("Format"), example=c.ResourceFormat.DATABASE.label),
        field_column(
            DataResource,
            "sharing_type",
            _("Sharing type"),
            example=c.SharingType.CONDITIONAL.label,
            help=_("Basic resources are shared unconditionally."),
        ),
        field_column(
            DataResource,
            "sharing_conditions",
            _("Sharing conditions"),
            example="仅用于医保待遇核验",
            help=_("The conditions of conditional sharing, or the legal basis for not sharing."),
        ),
        field_column(DataResource, "sharing_method", _("Sharing method"), example=c.SharingMethod.PLATFORM.label),
        field_column(DataResource, "open_attribute", _("Open attribute"), example=c.OpenAttribute.NOT_OPEN.label),
        field_column(DataResource, "update_cycle", _("Update cycle"), example=c.UpdateCycle.DAILY.label),
        field_column(DataResource, "publication_date", _("Publication date"), example="2025-09-01"),
        field_column(DataResource, "related_codes", _("Related resource codes"), example="101001/000003"),
        ForeignKey("system", _("Holding system code"), "inventory.System", example="YB-JS-01"),
        field_column(DataResource, "data_class", _("Data classification"), example=c.DataClass.IMPORTANT.label),
        Column(
            "items",
            _("Items"),
            parser=data_items(),
            export=lambda r: str(Items((i.name, i.data_type) for i in r.items.all())),
            example="姓名:string;身份证号:string;出生日期:date",
            help=_("Name:type pairs separated by semicolons; the type is a code (string, date…) or its name."),
        ),
    ],
)


class LinkSchema(Schema):
    def clean_row(self, row):
        if row["from_system_id"] == row["to_system_id"]:
            raise ValueError(gettext("A system cannot link to itself."))


link_schema = LinkSchema(
    Link,
    [
        ForeignKey(
            "from_system",
            _("From system code"),
            "inventory.System",
            required=True,
            example="YB-JS-01",
            help=_("A system of a department you manage: the link belongs to it."),
        ),
        ForeignKey("to_system", _("To system code"), "inventory.System", required=True, example="SJ-GX-01"),
        Column(
            "resources",
            _("Resource codes"),
            parser=parsers.code_list(),
            example="301001/000001",
            help=_("Codes of the data resources the link carries, separated by commas."),
        ),
        field_column(Link, "direction", _("Direction"), example=c.LinkDirection.ONE_WAY.label),
        field_column(Link, "method", _("Method"), example=c.LinkMethod.API.label),
        field_column(Link, "frequency", _("Frequency"), example=c.LinkFrequency.DAILY.label),
        field_column(Link, "description", _("Description"), example="参保数据每日推送至共享平台"),
    ],
)


def check_links(result, *, user) -> None:
    """A link belongs to its source system's department, so the user must be allowed to import links there; and a
    pair of systems has one link, in the file and in the catalogue."""
    from_header = str(link_schema.column("from_system").header)
    pairs = [(row.get("from_system_id"), row.get("to_system_id")) for row in result.rows]
    sources = {pair[0] for pair in pairs if pair[0]}
    paths = dict(System.objects.restrict(user, "view").filter(pk__in=sources).values_list("pk", "owner_unit__path"))
    # Uniqueness is global, so existing pairs are read whoever owns them; both systems are visible to the user.
    existing = set(
        Link.objects.filter(from_system_id__in=sources, to_system_id__in={p[1] for p in pairs if p[1]}).values_list(
            "from_system_id", "to_system_id"
        )
    )
    seen: dict[tuple, int] = {}
    for number, pair in zip(result.row_numbers, pairs, strict=True):
        if not all(pair):
            continue
        if not gate.path_allowed(user, Link, "import", paths.get(pair[0], "")):
            result.errors.append(CellError(number, from_header, gettext("You may not add links from this system.")))
        if pair in existing:
            result.errors.append(CellError(number, from_header, gettext("These two systems are already linked.")))
        elif pair in seen:
            message = gettext("The same two systems are also linked in row {row}.").format(row=seen[pair])
            result.errors.append(CellError(number, from_header, message))
        seen.setdefault(pair, number)
