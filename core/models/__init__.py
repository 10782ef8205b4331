from .audit import AuditHead, AuditRecord
from .base import GovModel, RestrictedQuerySet
from .calendar import CalendarDay, CalendarYear, DayKind
from .roles import Role, RoleAssignment, RolePermission
from .search import SearchEntry
from .units import Unit

__all__ = [
    "AuditHead",
    "AuditRecord",
    "CalendarDay",
    "CalendarYear",
    "DayKind",
    "GovModel",
    "RestrictedQuerySet",
    "Role",
    "RoleAssignment",
    "RolePermission",
    "SearchEntry",
    "Unit",
]
