"""Choices of the inventory (台账): stable English codes, translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SystemStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    BUILDING = "building", _("Under construction")
    RUNNING = "running", _("Running")
    SUSPENDED = "suspended", _("Suspended")
    RETIRED = "retired", _("Retired")


class Hosting(models.TextChoices):
    GOV_CLOUD = "gov_cloud", _("Government cloud")
    MACHINE_ROOM = "machine_room", _("Own machine room")
    EXTERNAL = "external", _("External / SaaS")


class Network(models.TextChoices):
    EGOV_EXTRANET = "egov_extranet", _("E-government extranet")
    INTERNET = "internet", _("Internet")
    PRIVATE = "private", _("Private network")
    INTRANET = "intranet", _("Intranet")


class DataClass(models.TextChoices):
    """Data Security Law art. 21: core, important and general data."""

    CORE = "core", _("Core data")
    IMPORTANT = "important", _("Important data")
    GENERAL = "general", _("General data")


class UserScope(models.TextChoices):
    INTERNAL = "internal", _("Internal staff")
    PUBLIC = "public", _("The public")
    BOTH = "both", _("Staff and the public")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online (web)")
    MOBILE = "mobile", _("Mobile app")
    WINDOW = "window", _("Service window")
    SELF_SERVICE = "self_service", _("Self-service terminal")
    HOTLINE = "hotline", _("Hotline")


class CatalogKind(models.TextChoices):
    """The 类 of the 2017 catalog guide: 1 basic, 2 thematic, 3 departmental resources."""

    BASIC = "basic", _("Basic")
    THEMATIC = "thematic", _("Thematic")
    DEPARTMENTAL = "departmental", _("Departmental")


CATALOG_CLASS_DIGIT = {CatalogKind.BASIC: "1", CatalogKind.THEMATIC: "2", CatalogKind.DEPARTMENTAL: "3"}


class ResourceFormat(models.TextChoices):
    DATABASE = "database", _("Database")
    SPREADSHEET = "spreadsheet", _("Spreadsheet")
    DOCUMENT = "document", _("Electronic document")
    IMAGE = "image", _("Image / graphics")
    MEDIA = "media", _("Streaming media")
    API = "api", _("Interface (API)")
    OTHER = "other", _("Other")


class SharingType(models.TextChoices):
    UNCONDITIONAL = "unconditional", _("Shared unconditionally")
    CONDITIONAL = "conditional", _("Shared conditionally")
    NOT_SHARED = "not_shared", _("Not shared")


class SharingMethod(models.TextChoices):
    PLATFORM = "platform", _("Sharing platform")
    EMAIL = "email", _("E-mail")
    MEDIA = "media", _("Storage media")


class OpenAttribute(models.TextChoices):
    OPEN = "open", _("Open unconditionally")
    CONDITIONAL = "conditional", _("Open conditionally")
    NOT_OPEN = "not_open", _("Not open")


class UpdateCycle(models.TextChoices):
    REALTIME = "realtime", _("Real-time")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Half-yearly")
    YEARLY = "yearly", _("Yearly")
    IRREGULAR = "irregular", _("Irregular")


class DataType(models.TextChoices):
    STRING = "string", _("Text")
    INTEGER = "integer", _("Integer")
    DECIMAL = "decimal", _("Decimal")
    DATE = "date", _("Date")
    DATETIME = "datetime", _("Date and time")
    BOOLEAN = "boolean", _("Yes / no")
    BINARY = "binary", _("Binary")


class LinkDirection(models.TextChoices):
    ONE_WAY = "one_way", _("One way")
    TWO_WAY = "two_way", _("Both ways")


class LinkMethod(models.TextChoices):
    API = "api", _("API")
    FILE = "file", _("File exchange")
    DB_LINK = "db_link", _("Database link")
    MANUAL = "manual", _("Manual")


class LinkFrequency(models.TextChoices):
    REALTIME = "realtime", _("Real-time")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    IRREGULAR = "irregular", _("Irregular")


class ZombieDecision(models.TextChoices):
    KEEP = "keep", _("Keep")
    INTEGRATE = "integrate", _("Integrate into another system")
    RETIRE = "retire", _("Retire")
