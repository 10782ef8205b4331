"""A page's focus on one unit (``?unit=``): the unit, if the reader may see it; the gated querysets narrowed to its
subtree; the governments a focus may choose. Like the unit switcher (``gate.focus_on``), it only narrows."""

from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from core.choices import GOVERNMENT_KINDS
from core.models import Unit
from core.params import int_param
from core.tree import subtree_q


def focus_unit(request, param: str = "unit"):
    """The unit named by ``?unit=`` if the user may see it; None for the whole scope; 404 otherwise."""
    pk = int_param(request, param)
    if pk is None:
        return None
    unit = Unit.objects.restrict(request.user, "view").filter(pk=pk).first()
    if unit is None:
        from core.views.generic import deny

        raise deny(request, Unit, object_id=pk, reason="scope")
    return unit


def narrowed(queryset, unit):
    """The gated queryset, focused on ``unit``'s subtree when one is chosen (a narrowing, never a widening)."""
    return queryset if unit is None else queryset.filter(subtree_q(queryset.model.scope_path, unit.path))


def government_choices(user) -> list[dict]:
    """The governments the user can focus on, indented by level (a city's counties under it)."""
    governments = Unit.objects.restrict(user, "view").filter(kind__in=GOVERNMENT_KINDS)
    rows = list(governments.order_by("path").values("pk", "name", "depth"))
    top = min((row["depth"] for row in rows), default=0)
    return [{**row, "indent": "\u3000" * (row["depth"] - top)} for row in rows]


def government_options(user, unit) -> str:
    """The focus picker's ``<option>`` of each government (``core/focus_picker.html``), made here: a province has
    some 1,400, and a template loop over them cost a tenth of a second on every look."""
    chosen = unit.pk if unit is not None else None
    return format_html_join(
        "",
        '<option value="{}"{}>{}{}</option>',
        (
            (g["pk"], mark_safe(" selected") if g["pk"] == chosen else "", g["indent"], g["name"])  # noqa: S308
            for g in government_choices(user)
        ),
    )
