from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County / district")
    TOWNSHIP = "township", _("Township / street")
    DEPARTMENT = "department", _("Department")
    SUBUNIT = "subunit", _("Subordinate unit")


GOVERNMENT_KINDS = {UnitKind.PROVINCE, UnitKind.CITY, UnitKind.COUNTY, UnitKind.TOWNSHIP}

# Which kinds may sit directly under which. Departments belong to governments; subordinate units to departments.
ALLOWED_PARENTS: dict[str, set[str | None]] = {
    UnitKind.PROVINCE: {None},
    UnitKind.CITY: {None, UnitKind.PROVINCE},
    UnitKind.COUNTY: {None, UnitKind.CITY},
    UnitKind.TOWNSHIP: {UnitKind.COUNTY},
    UnitKind.DEPARTMENT: {UnitKind.PROVINCE, UnitKind.CITY, UnitKind.COUNTY, UnitKind.TOWNSHIP},
    UnitKind.SUBUNIT: {UnitKind.DEPARTMENT, UnitKind.SUBUNIT},
}


class Action(models.TextChoices):
    VIEW = "view", _("View")
    ADD = "add", _("Add")
    CHANGE = "change", _("Change")
    DELETE = "delete", _("Delete")
    IMPORT = "import", _("Import")
    EXPORT = "export", _("Export")


class AuditAction(models.TextChoices):
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    DELETE = "delete", _("Delete")
    LOGIN = "login", _("Login")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGOUT = "logout", _("Logout")
    DENIED = "denied", _("Permission denied")
    EXPORT = "export", _("Export")
    IMPORT = "import", _("Import")
    EVENT = "event", _("Domain event")


class AuditCategory(models.TextChoices):
    BUSINESS = "business", _("Business")
    SECURITY = "security", _("Security")
    SYSTEM = "system", _("System")


class Outcome(models.TextChoices):
    SUCCESS = "success", _("Success")
    FAILURE = "failure", _("Failure")
