import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.choices import AuditAction, AuditCategory, UnitKind
from core.models import AuditRecord, RoleAssignment, Unit
from core.tree import subtree_q
from core.widgets import use_autocomplete


class GovFilterSet(django_filters.FilterSet):
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
        from django.db.models import Q

        q = Q()
        for field in self.search_fields:
            q |= Q(**{f"{field}__icontains": value.strip()})
        return queryset.filter(q)


class UnitFilterSet(GovFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=UnitKind.choices)
    parent = django_filters.ModelChoiceFilter(label=_("Parent"), queryset=Unit.objects.all())
    within = django_filters.ModelChoiceFilter(label=_("Within"), queryset=Unit.objects.all(), method="filter_within")
    code = django_filters.CharFilter(label=_("Code"))
    search_fields = ("name", "short_name", "code")

    class Meta:
        model = Unit
        fields = ["q", "kind", "parent", "within", "code"]

    def filter_within(self, queryset, name, value):
        return queryset.filter(subtree_q("path", value.path)) if value else queryset


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
