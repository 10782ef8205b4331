from rest_framework.permissions import BasePermission

from core.gate import has_perm

_ACTIONS = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


class GatePermission(BasePermission):
    """Model-level check; object-level scope is enforced by the viewset's restricted queryset (404 outside)."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        model = getattr(getattr(view, "queryset", None), "model", None) or getattr(view, "model", None)
        if model is None:
            return True
        action = getattr(view, "gate_action", None) or _ACTIONS.get(request.method, "view")
        return has_perm(request.user, model, action)
