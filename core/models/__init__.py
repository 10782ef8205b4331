from .audit import AuditHead, AuditRecord
from .base import GovModel, RestrictedQuerySet
from .roles import Role, RoleAssignment, RolePermission
from .search import SearchEntry
from .units import Unit

__all__ = [
    "AuditHead",
    "AuditRecord",
    "GovModel",
    "RestrictedQuerySet",
    "Role",
    "RoleAssignment",
    "RolePermission",
    "SearchEntry",
    "Unit",
]
