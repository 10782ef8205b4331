"""The filter sets every list builds on: choices through the gate, whole numbers that cannot overflow, the search
box, "within this unit's subtree" and a choice of one record."""

import django_filters
from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS

from core.choices import AuditAction, AuditCategory, UnitKind
from core.models import AuditRecord, RoleAssignment, Unit
from core.params import MAX_INT, MIN_INT
from core.tree import subtree_q
from core.widgets import use_autocomplete


class IntegerFilter(django_filters.NumberFilter):
    """A whole number from ``min_value`` to ``max_value``, or the filter form's error (a 400 on pages and API).
    django-filter's NumberFilter reads a decimal, so ``1e30`` reached SQLite as 10**30 ("Python int too large to
    convert to SQLite INTEGER"); a foreign key's lookup has no overflow guard of Django's own."""

    field_class = forms.IntegerField

    def __init__(self, *args, min_value: int = MIN_INT, max_value: int = MAX_INT, **kwargs):
        super().__init__(*args, min_value=min_value, max_value=max_value, **kwargs)
        # drf-spectacular reads a filter's schema from this annotation (what @extend_schema_field sets).
        self._spectacular_annotation = {"field": {"type": "integer", "minimum": min_value, "maximum": max_value}}

    def get_max_validator(self):
        return None  # the field's own bounds


class KeyFilter(IntegerFilter):
    """A record's key (``field_name="owner_unit_id"``): a whole number from 1. A key outside the user's scope
    simply matches nothing, as the list is already restricted."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        super().__init__(*args, **kwargs)


def integer_defaults(defaults: dict) -> dict:
    """django-filter's filters per model field, with ``IntegerFilter`` for every integer field."""
    return {
        **defaults,
        **{
            field: {"filter_class": IntegerFilter}
            for field, default in defaults.items()
            if issubclass(field, models.IntegerField)
            and issubclass(default["filter_class"], django_filters.NumberFilter)
        },
    }


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def within(field: str):
    """A "within this unit's subtree" filter on the unit path at ``field`` (a view filter, not a permission)."""

    def apply(queryset, name, value):
        return queryset.filter(subtree_q(field, value.path)) if value else queryset

    return django_filters.ModelChoiceFilter(label=_("Within"), queryset=Unit.objects.all(), method=apply)


def yes_no_filter(label, condition):
    """ "Yes" keeps the rows meeting ``condition()``, "No" the others (a Q built per request: it may read today)."""

    def apply(queryset, name, value):
        if value == "yes":
            return queryset.filter(condition())
        if value == "no":
            return queryset.exclude(condition())
        return queryset

    return django_filters.ChoiceFilter(label=label, choices=YES_NO, method=apply)


def record_filter(model, label, field_name: str):
    """A choice of one ``model`` record (a system, a data resource) at ``field_name``; GovFilterSet offers only the
    records the user may see, through the gated autocomplete."""
    return django_filters.ModelChoiceFilter(label=label, field_name=field_name, queryset=model.objects.all())


class GovFilterSet(django_filters.FilterSet):
    FILTER_DEFAULTS = integer_defaults(FILTER_FOR_DBFIELD_DEFAULTS)
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    search_fields: tuple[str, ...] = ()

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        for field in self.form.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset, "restrict") and request is not None:
                field.queryset = queryset.restrict(request.user, "view")
                use_autocomplete(field)

    def filter_q(self, queryset, name, value):
        """Rows where any search field contains the text; through an index where there is one (core.search.lists)."""
        from django.db.models import Q

        from core.search.lists import narrow

        value = value.strip()
        q = Q()
        for field in self.search_fields:
            q |= Q(**{f"{field}__icontains": value})
        return narrow(queryset, self.search_fields, value).filter(q)


class UnitFilterSet(GovFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=UnitKind.choices)
    parent = django_filters.ModelChoiceFilter(label=_("Parent"), queryset=Unit.objects.all())
    within = within("path")
    code = django_filters.CharFilter(label=_("Code"))
    search_fields = ("name", "short_name", "code")

    class Meta:
        model = Unit
        fields = ["q", "kind", "parent", "within", "code"]


class RoleAssignmentFilterSet(GovFilterSet):
    search_fields = ("user__username", "user__full_name", "unit__name")

    class Meta:
        model = RoleAssignment
        fields = ["q", "role", "unit"]


class AuditRecordFilterSet(GovFilterSet):
    actor_name = django_filters.CharFilter(label=_("Actor"), lookup_expr="icontains")
    object_type = django_filters.CharFilter(label=_("Object type"))
    object_id = django_filters.CharFilter(label=_("Object id"))
    action = django_filters.ChoiceFilter(label=_("Action"), choices=AuditAction.choices)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=AuditCategory.choices)
    since = django_filters.DateFilter(
        label=_("From"), field_name="ts", lookup_expr="date__gte", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = django_filters.DateFilter(
        label=_("To"), field_name="ts", lookup_expr="date__lte", widget=forms.DateInput(attrs={"type": "date"})
    )
    search_fields = ("object_repr", "event")

    class Meta:
        model = AuditRecord
        fields = ["q", "actor_name", "object_type", "object_id", "action", "category", "since", "until"]
