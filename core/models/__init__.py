from .audit import AuditHead, AuditRecord
from .base import GovModel, RestrictedQuerySet
from .calendar import CalendarDay, CalendarYear, DayKind
from .files import Attachment
from .imports import ImportUpload
from .notifications import Notification
from .roles import Role, RoleAssignment, RolePermission
from .search import SearchEntry
from .units import Unit

__all__ = [
    "Attachment",
    "AuditHead",
    "AuditRecord",
    "CalendarDay",
    "CalendarYear",
    "DayKind",
    "GovModel",
    "ImportUpload",
    "Notification",
    "RestrictedQuerySet",
    "Role",
    "RoleAssignment",
    "RolePermission",
    "SearchEntry",
    "Unit",
]
