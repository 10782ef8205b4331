"""The inventory (台账): information systems, public service items, data resources (政务信息资源目录, 2017 guide)
and the links between systems."""

import json
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import GovModel

from . import choices as c

# 2017 catalog guide: 前段码 = 类 (1 digit) + 项 (2) + 目 (3) + 细目 (variable); 后段码 = a 6-digit sequence number.
RESOURCE_CODE = re.compile(r"^(?P<cls>\d)(?P<item>\d{2})(?P<category>\d{3})(?P<detail>\d*)/(?P<seq>\d{6})$")


class System(GovModel):
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=40, unique=True)
    owner_unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("owning department"),
        on_delete=models.PROTECT,
        related_name="systems",
        db_index=False,  # (owner_unit, status) below serves it
    )
    responsible_person = models.CharField(_("responsible person"), max_length=50, blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    user_scope = models.CharField(_("users"), max_length=16, choices=c.UserScope.choices, default=c.UserScope.INTERNAL)
    user_count = models.PositiveIntegerField(_("number of users"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=c.SystemStatus.choices, default=c.SystemStatus.RUNNING
    )
    go_live_date = models.DateField(_("go-live date"), null=True, blank=True)
    last_active_date = models.DateField(_("last active"), null=True, blank=True)
    hosting = models.CharField(_("hosting"), max_length=16, choices=c.Hosting.choices, blank=True)
    network = models.CharField(_("network"), max_length=16, choices=c.Network.choices, blank=True)
    tech_language = models.CharField(_("development language"), max_length=50, blank=True)
    tech_language_domestic = models.BooleanField(_("language domestic (信创)"), default=False)
    tech_database = models.CharField(_("database"), max_length=50, blank=True)
    tech_database_domestic = models.BooleanField(_("database domestic (信创)"), default=False)
    tech_os = models.CharField(_("operating system"), max_length=50, blank=True)
    tech_os_domestic = models.BooleanField(_("operating system domestic (信创)"), default=False)
    tech_middleware = models.CharField(_("middleware"), max_length=50, blank=True)
    tech_middleware_domestic = models.BooleanField(_("middleware domestic (信创)"), default=False)
    tech_cpu = models.CharField(_("CPU"), max_length=50, blank=True)
    tech_cpu_domestic = models.BooleanField(_("CPU domestic (信创)"), default=False)
    vendor = models.CharField(_("vendor"), max_length=100, blank=True)
    om_contract_end = models.DateField(_("O&M contract end"), null=True, blank=True)
    build_cost = models.DecimalField(_("build cost (10k yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    annual_om_cost = models.DecimalField(
        _("annual O&M cost (10k yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    url = models.URLField(_("URL"), blank=True)
    data_class = models.CharField(_("data classification"), max_length=16, choices=c.DataClass.choices, blank=True)
    # Filled by the security module (MLPS grading); shown here.
    mlps_level = models.PositiveSmallIntegerField(_("MLPS level"), null=True, blank=True, editable=False)

    scope_path = "owner_unit__path"

    TECH_PARTS = ("language", "database", "os", "middleware", "cpu")

    class Meta:
        ordering = ["code"]
        verbose_name = _("information system")
        verbose_name_plural = _("information systems")
        indexes = [
            models.Index(fields=["owner_unit", "status"], name="inv_system_unit_status"),
            models.Index(fields=["last_active_date"], name="inv_system_last_active"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("inventory:system", args=[self.pk])

    @property
    def domestic_share(self) -> float | None:
        """Share of the filled technology components that are domestic (信创), or None when none are filled."""
        filled = [p for p in self.TECH_PARTS if getattr(self, f"tech_{p}")]
        if not filled:
            return None
        return sum(getattr(self, f"tech_{p}_domestic") for p in filled) / len(filled)


class ServiceItem(GovModel):
    """A public service item (政务服务事项) and the systems that deliver it."""

    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=60, unique=True)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("department"), on_delete=models.PROTECT, related_name="service_items"
    )
    channel = models.CharField(_("channel"), max_length=16, choices=c.Channel.choices, default=c.Channel.ONLINE)
    systems = models.ManyToManyField(
        System, verbose_name=_("delivering systems"), blank=True, related_name="service_items"
    )

    scope_path = "unit__path"

    class Meta:
        ordering = ["code"]
        verbose_name = _("public service item")
        verbose_name_plural = _("public service items")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("inventory:serviceitem", args=[self.pk])


class DataResource(GovModel):
    """A government information resource catalog entry (政务信息资源目录, 2017 guide; GB/T 21063)."""

    kind = models.CharField(
        _("catalog kind"), max_length=16, choices=c.CatalogKind.choices, default=c.CatalogKind.DEPARTMENTAL
    )
    class_code = models.CharField(_("class (类)"), max_length=1)
    item_code = models.CharField(_("item (项)"), max_length=2)
    category_code = models.CharField(_("category (目)"), max_length=3)
    detail_code = models.CharField(_("detail (细目)"), max_length=12, blank=True)
    code = models.CharField(
        _("resource code"),
        max_length=40,
        unique=True,
        help_text=_("Classification code and a 6-digit sequence number, e.g. 301001/000001."),
    )
    name = models.CharField(_("name"), max_length=200)
    provider = models.ForeignKey(
        "core.Unit", verbose_name=_("provider"), on_delete=models.PROTECT, related_name="data_resources"
    )
    abstract = models.TextField(_("abstract"), blank=True)
    format = models.CharField(
        _("format"), max_length=16, choices=c.ResourceFormat.choices, default=c.ResourceFormat.DATABASE
    )
    sharing_type = models.CharField(
        _("sharing type"), max_length=16, choices=c.SharingType.choices, default=c.SharingType.UNCONDITIONAL
    )
    sharing_conditions = models.TextField(_("sharing conditions"), blank=True)
    sharing_method = models.CharField(
        _("sharing method"), max_length=16, choices=c.SharingMethod.choices, default=c.SharingMethod.PLATFORM
    )
    open_attribute = models.CharField(
        _("open attribute"), max_length=16, choices=c.OpenAttribute.choices, default=c.OpenAttribute.NOT_OPEN
    )
    update_cycle = models.CharField(
        _("update cycle"), max_length=16, choices=c.UpdateCycle.choices, default=c.UpdateCycle.IRREGULAR, blank=True
    )
    publication_date = models.DateField(_("publication date"), null=True, blank=True)
    related_codes = models.CharField(
        _("related resource codes"),
        max_length=500,
        blank=True,
        help_text=_("Codes of related resources, separated by commas."),
    )
    system = models.ForeignKey(
        System,
        verbose_name=_("holding system"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="data_resources",
    )
    data_class = models.CharField(
        _("data classification"), max_length=16, choices=c.DataClass.choices, default=c.DataClass.GENERAL
    )
    # Catalog exchange: the identifier the source catalog gives the dataset (a UUID, an agency id), so that the next
    # import of the same catalog updates the entry; and every DCAT field with no column of ours, as the file stated it.
    source_identifier = models.CharField(_("source identifier"), max_length=255, blank=True, db_index=True)
    extra_metadata = models.JSONField(_("extra metadata"), default=dict, blank=True)

    scope_path = "provider__path"

    class Meta:
        ordering = ["code"]
        verbose_name = _("data resource")
        verbose_name_plural = _("data resources")
        indexes = [models.Index(fields=["class_code", "item_code", "category_code"], name="inv_resource_class")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("inventory:dataresource", args=[self.pk])

    @property
    def classification(self) -> str:
        return f"{self.class_code}{self.item_code}{self.category_code}{self.detail_code}"

    def extra_metadata_rows(self) -> list[tuple[str, str]]:
        """The kept source metadata for display: each key with its value as text (lists and objects as JSON)."""
        extra = self.extra_metadata if isinstance(self.extra_metadata, dict) else {}
        return [
            (key, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
            for key, value in sorted(extra.items())
        ]

    def related_code_list(self) -> list[str]:
        return [code.strip() for code in re.split(r"[,，;；\s]+", self.related_codes) if code.strip()]

    def clean(self):
        errors = validate_resource(self)
        if errors:
            raise ValidationError(errors)


def validate_resource(resource: DataResource) -> dict[str, str]:
    """The catalog rules: the code follows the classification; basic resources are shared unconditionally
    (国发〔2016〕51号); "not shared" needs a stated legal basis and "conditional" its conditions."""
    errors: dict[str, str] = {}
    expected_class = c.CATALOG_CLASS_DIGIT.get(resource.kind)
    if expected_class and resource.class_code != expected_class:
        errors["class_code"] = _("The class of a {kind} resource is {digit}.").format(
            kind=c.CatalogKind(resource.kind).label, digit=expected_class
        )
    for field, width in (("item_code", 2), ("category_code", 3)):
        value = getattr(resource, field)
        if not (value.isdigit() and len(value) == width):
            errors[field] = _("Use exactly {n} digits.").format(n=width)
    if resource.detail_code and not resource.detail_code.isdigit():
        errors["detail_code"] = _("Use digits only.")
    match = RESOURCE_CODE.match(resource.code or "")
    if not match:
        errors["code"] = _("A resource code is the classification code, a slash and a 6-digit sequence number.")
    elif match.group("cls", "item", "category", "detail") != (
        resource.class_code,
        resource.item_code,
        resource.category_code,
        resource.detail_code,
    ):
        errors["code"] = _("The code does not start with this resource's classification {code}.").format(
            code=resource.classification
        )
    if resource.kind == c.CatalogKind.BASIC and resource.sharing_type != c.SharingType.UNCONDITIONAL:
        errors["sharing_type"] = _("Basic information resources must be shared unconditionally.")
    if resource.sharing_type == c.SharingType.NOT_SHARED and not resource.sharing_conditions.strip():
        errors["sharing_conditions"] = _("Give the legal basis for not sharing this resource.")
    if resource.sharing_type == c.SharingType.CONDITIONAL and not resource.sharing_conditions.strip():
        errors["sharing_conditions"] = _("State the conditions under which this resource is shared.")
    return errors


class DataItem(models.Model):
    """One data item (信息项) of a resource: its name and data type."""

    resource = models.ForeignKey(DataResource, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(_("name"), max_length=100)
    data_type = models.CharField(_("data type"), max_length=16, choices=c.DataType.choices, default=c.DataType.STRING)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    scope_path = "resource__provider__path"

    class Meta:
        ordering = ["resource", "position", "id"]
        verbose_name = _("data item")
        verbose_name_plural = _("data items")

    def __str__(self) -> str:
        return self.name


class Link(GovModel):
    """A link between two systems (系统互联) and the data resources it carries."""

    from_system = models.ForeignKey(
        System, verbose_name=_("from system"), on_delete=models.CASCADE, related_name="links_out"
    )
    to_system = models.ForeignKey(
        System, verbose_name=_("to system"), on_delete=models.CASCADE, related_name="links_in"
    )
    resources = models.ManyToManyField(
        DataResource, verbose_name=_("data resources carried"), blank=True, related_name="links"
    )
    direction = models.CharField(
        _("direction"), max_length=16, choices=c.LinkDirection.choices, default=c.LinkDirection.ONE_WAY
    )
    method = models.CharField(_("method"), max_length=16, choices=c.LinkMethod.choices, default=c.LinkMethod.API)
    frequency = models.CharField(
        _("frequency"), max_length=16, choices=c.LinkFrequency.choices, default=c.LinkFrequency.DAILY
    )
    description = models.CharField(_("description"), max_length=200, blank=True)

    scope_path = "from_system__owner_unit__path"

    class Meta:
        ordering = ["from_system", "to_system", "id"]
        verbose_name = _("link")
        verbose_name_plural = _("links")
        constraints = [models.UniqueConstraint(fields=["from_system", "to_system"], name="inv_link_unique_pair")]
        indexes = [models.Index(fields=["to_system"], name="inv_link_to")]

    def __str__(self) -> str:
        return self.named_with(str)

    def named_with(self, name) -> str:
        """The link's name with each system named by ``name(system)``: ``core.names.title`` names a system the reader
        may not see as "another unit's information system"."""
        arrow = "⇄" if self.direction == c.LinkDirection.TWO_WAY else "→"
        return f"{name(self.from_system)} {arrow} {name(self.to_system)}"

    def get_absolute_url(self) -> str:
        return reverse("inventory:link", args=[self.pk])

    def clean(self):
        if self.from_system_id and self.from_system_id == self.to_system_id:
            raise ValidationError({"to_system": _("A system cannot link to itself.")})


class ZombieReview(GovModel):
    """A clean-up decision on a system flagged by the zombie check (国办发〔2017〕39号)."""

    system = models.ForeignKey(System, verbose_name=_("system"), on_delete=models.CASCADE, related_name="reviews")
    decision = models.CharField(_("decision"), max_length=16, choices=c.ZombieDecision.choices)
    reason = models.TextField(_("reason"))
    target_system = models.ForeignKey(
        System, verbose_name=_("integrate into"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    criteria = models.JSONField(_("criteria met"), default=list, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_path = "system__owner_unit__path"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("zombie review")
        verbose_name_plural = _("zombie reviews")

    def __str__(self) -> str:
        return f"{self.system} · {self.get_decision_display()}"

    def get_absolute_url(self) -> str:
        return reverse("inventory:system", args=[self.system_id]) + "#reviews"


class ImpactGraphVersion(models.Model):
    """One build of the impact graph (``inventory.graph``): its arrays are files in ``DATA_DIR/impact/<name>/``, and
    the newest row names the graph every process reads. Derived data, written by the build task only (no audit: it
    is recomputed from audited records)."""

    name = models.CharField(max_length=64, unique=True)
    started_at = models.DateTimeField()  # when the build began reading: a build that began earlier never wins
    built_at = models.DateTimeField(auto_now_add=True)
    nodes = models.PositiveIntegerField(default=0)
    edges = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.name
