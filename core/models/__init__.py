from .audit import AuditHead, AuditRecord
from .base import GovModel, RestrictedQuerySet
from .calendar import CalendarDay, CalendarYear, DayKind
from .figures import Computed, Generation, Rollup, RollupMark
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
    "Computed",
    "CalendarYear",
    "DayKind",
    "Generation",
    "GovModel",
    "ImportUpload",
    "Notification",
    "RestrictedQuerySet",
    "Role",
    "Rollup",
    "RollupMark",
    "RoleAssignment",
    "RolePermission",
    "SearchEntry",
    "Unit",
]
