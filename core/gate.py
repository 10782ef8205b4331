"""The one permission gate.

A user's grants are compiled once per request from their role assignments (one query) into
``{model_label: {action: [(path, include_descendants), ...]}}`` and cached on the user object. ``scope_q`` turns
them into one ``Q`` of path ranges on the model's ``scope_path``; ``can`` answers for one object in Python.

The unit focus is part of the scope: ``focus_on(user, path)`` narrows the grants to one subtree for the request (the
unit switcher's choice, applied by ``core.middleware.UnitFocusMiddleware``). It narrows, never widens.
"""

from collections import defaultdict

from django.db.models import Q

from core.tree import STEPLEN, subtree_q  # noqa: F401

Grants = dict[str, dict[str, list[tuple[str, bool]]]]


def grants(user) -> Grants:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return {}
    cached = getattr(user, "_gate_grants", None)
    if cached is not None:
        return cached
    from core.models import RoleAssignment

    rows = RoleAssignment.objects.filter(user=user, role__permissions__isnull=False).values_list(
        "unit__path", "include_descendants", "role__permissions__model", "role__permissions__action"
    )
    compiled: Grants = defaultdict(lambda: defaultdict(list))
    for path, descendants, model, action in rows:
        entries = compiled[model][action]
        if (path, descendants) not in entries:
            entries.append((path, descendants))
    result = {model: dict(actions) for model, actions in compiled.items()}
    focused = focus(user)
    if focused:
        result = narrow(result, focused)
    user._gate_grants = result
    return result


def grants_key(user) -> tuple:
    """The user's grants as a hashable value: two users with equal keys see exactly the same records."""
    return tuple(
        (model, tuple((action, tuple(sorted(entries))) for action, entries in sorted(actions.items())))
        for model, actions in sorted(grants(user).items())
    )


def focus_on(user, path: str | None) -> None:
    """Narrow ``user``'s grants to the subtree at unit ``path`` from now on (this request's user object), or lift the
    focus with None. A focus where the user holds no grant leaves them nothing; it never widens (``narrow``)."""
    user._gate_focus = path or None
    forget(user)


def focus(user) -> str | None:
    """The path ``user``'s grants are narrowed to, if any."""
    return getattr(user, "_gate_focus", None)


def narrow(compiled: Grants, focus: str) -> Grants:
    """Limit grants to the subtree at ``focus`` (the unit switcher): never widens, only narrows."""
    narrowed: Grants = {}
    for model, actions in compiled.items():
        for action, entries in actions.items():
            kept = []
            for path, descendants in entries:
                if path.startswith(focus):
                    kept.append((path, descendants))
                elif descendants and focus.startswith(path):
                    kept.append((focus, True))
            if kept:
                narrowed.setdefault(model, {})[action] = kept
    return narrowed


def forget(user) -> None:
    """Drop the cached grants (after the user's roles change within one request)."""
    if hasattr(user, "_gate_grants"):
        del user._gate_grants


def label(model) -> str:
    return model._meta.label_lower


def has_perm(user, model, action: str) -> bool:
    """Whether the user may ``action`` objects of ``model`` somewhere (not which ones)."""
    return bool(grants(user).get(label(model), {}).get(action))


def scope_q(user, model, action: str = "view", *, path_field: str | None = None) -> Q | None:
    """One Q for every object of ``model`` the user may ``action``; None when there are none. With ``path_field``,
    the same path ranges on another lookup: the rows of another model that sit where the user may ``action`` a
    ``model`` record (``RestrictedQuerySet.restrict(..., grants_of=model)``)."""
    entries = grants(user).get(label(model), {}).get(action)
    if not entries:
        return None
    field = path_field or model.scope_path
    if field is None:
        return Q()  # reference data: the permission alone decides
    q = Q()
    first = True
    for path, descendants in entries:
        part = subtree_q(field, path, descendants)
        q = part if first else q | part
        first = False
    return q


def object_path(obj) -> str:
    """Follow the model's ``scope_path`` lookup on an instance to the unit path it is scoped by."""
    value = obj
    if type(obj).scope_path is None:
        return ""
    for attr in type(obj).scope_path.split("__"):
        value = getattr(value, attr, None)
        if value is None:
            return ""
    return value


def path_allowed(user, model, action: str, path: str) -> bool:
    for granted, descendants in grants(user).get(label(model), {}).get(action, []):
        if path == granted or (descendants and path.startswith(granted)):
            return True
    return False


def can(user, action: str, obj) -> bool:
    if type(obj).scope_path is None:
        return has_perm(user, type(obj), action)
    return path_allowed(user, type(obj), action, object_path(obj))


def unit_paths(user, model, action: str = "view") -> list[tuple[str, bool]]:
    return list(grants(user).get(label(model), {}).get(action, []))
