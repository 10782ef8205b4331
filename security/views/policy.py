"""The security policy of a government: the settings the MLPS, crypto and rectification rules leave open."""

from django.urls import path

from core.views.generic import ObjectEditView, ObjectListView, ObjectView

from ..forms.policy import SecurityPolicyForm
from ..models import SecurityPolicy
from ..tables.policy import SecurityPolicyTable


class SecurityPolicyListView(ObjectListView):
    queryset = SecurityPolicy.objects.select_related("unit")
    table = SecurityPolicyTable
    template_name = "security/securitypolicy_list.html"

    def extra_context(self):
        return {"defaults": SecurityPolicy()}


class SecurityPolicyView(ObjectView):
    queryset = SecurityPolicy.objects.select_related("unit", "updated_by")
    template_name = "security/securitypolicy.html"

    def extra_context(self, obj):
        skip = {"id", "unit", "created_at", "updated_at", "created_by", "updated_by", "version"}
        rows = [
            (field.verbose_name, obj._get_FIELD_display(field) if field.choices else getattr(obj, field.name))
            for field in SecurityPolicy._meta.concrete_fields
            if field.name not in skip
        ]
        return {"rows": rows}


class SecurityPolicyEditView(ObjectEditView):
    model = SecurityPolicy
    form = SecurityPolicyForm


urlpatterns = [
    path("policies/", SecurityPolicyListView.as_view(), name="securitypolicy_list"),
    path("policies/add/", SecurityPolicyEditView.as_view(), name="securitypolicy_add"),
    path("policies/<int:pk>/", SecurityPolicyView.as_view(), name="securitypolicy"),
    path("policies/<int:pk>/edit/", SecurityPolicyEditView.as_view(), name="securitypolicy_edit"),
]
