"""Names of related records, as the reader may see them.

A record in the user's scope often points at one outside it: a link at another department's system, a data resource
at the system that holds it, a zombie review at the system it merges into, a finding at its owner. Pages, exports,
graphs and the API name such a record only where the reader may view it; anywhere else it is "another unit's
information system": its type, translated, and no name, no code, no unit and no link. This module is that rule.

Visibility is the gate's own (``gate.can`` on the loaded object, ``gate.path_allowed`` on a path read as a value), so
naming costs no query when the related row and the rows on its scope path are loaded with ``select_related``.
"""

from django.utils.translation import gettext as _

from core import gate


def placeholder(model) -> str:
    """What a record of ``model`` the reader may not see is called: "Another unit's information system", or the
    model's own ``hidden_name`` where that reads better ("Another unit", "Someone in another unit")."""
    phrase = getattr(model, "hidden_name", None)
    if phrase is not None:
        return str(phrase)
    return _("Another unit's {type}").format(type=model._meta.verbose_name)


def can_see(user, obj) -> bool:
    """Whether ``user`` may view ``obj`` (None: nothing to see). Follows the model's scope path on the instance."""
    return obj is not None and gate.can(user, "view", obj)


def name(user, obj) -> str:
    """``obj``'s name for ``user``: its own, or the placeholder of its type; "" for None."""
    if obj is None:
        return ""
    return str(obj) if can_see(user, obj) else placeholder(type(obj))


def title(user, obj) -> str:
    """``obj``'s own name, which ``user`` may see, when that name is made of related records' names (a link is
    "system → system"): the model's ``named_with(name)`` builds it with each related record named for ``user``."""
    named_with = getattr(obj, "named_with", None)
    if named_with is None:
        return str(obj)
    return named_with(lambda related: name(user, related))


def path_name(user, model, value: str, path: str) -> str:
    """``value`` (a name read with ``values()``) if ``user`` may view the ``model`` record at unit ``path``, else
    the placeholder."""
    return value if gate.path_allowed(user, model, "view", path or "") else placeholder(model)
