from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.filtersets import RoleAssignmentFilterSet
from core.models import Role, RoleAssignment, Unit
from core.params import int_param
from core.services.roles import role_assign, role_revoke
from core.tables import RoleAssignmentTable
from core.views.generic import GateMixin, ObjectListView, apply_errors
from core.widgets import use_autocomplete

User = get_user_model()


class RoleListView(GateMixin, View):
    """Roles are data (core/data/roles.yaml); this page shows each role's permissions as a matrix."""

    model = Role

    def get(self, request):
        self.require("view")
        roles = Role.objects.prefetch_related("permissions")
        actions = ["view", "add", "change", "delete", "import", "export", "verify"]
        rows = []
        for role in roles:
            granted: dict[str, set[str]] = {}
            for perm in role.permissions.all():
                granted.setdefault(perm.model, set()).add(perm.action)
            models = [
                (apps.get_model(m)._meta.verbose_name_plural, [a in acts for a in actions])
                for m, acts in sorted(granted.items())
            ]
            rows.append({"role": role, "models": models})
        return render(request, "core/role_list.html", {"rows": rows, "actions": actions})


class RoleAssignmentForm(forms.Form):
    user = forms.ModelChoiceField(queryset=User.objects.none(), label=gettext_lazy("User"))
    role = forms.ModelChoiceField(queryset=Role.objects.all(), label=gettext_lazy("Role"))
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=gettext_lazy("Unit"))
    include_descendants = forms.BooleanField(
        label=gettext_lazy("Include subordinate units"), required=False, initial=True
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.restrict(user, "view").filter(is_active=True)
        self.fields["unit"].queryset = Unit.objects.restrict(user, "view")
        use_autocomplete(self.fields["user"])
        use_autocomplete(self.fields["unit"])
        for name, field in self.fields.items():
            css = "form-check-input" if name == "include_descendants" else "form-select"
            field.widget.attrs.setdefault("class", css)


class RoleAssignmentListView(ObjectListView):
    queryset = RoleAssignment.objects.select_related("user", "role", "unit")
    table = RoleAssignmentTable
    filterset = RoleAssignmentFilterSet
    template_name = "core/roleassignment_list.html"

    def app_namespace(self):
        return "core"


class RoleAssignmentEditView(GateMixin, View):
    model = RoleAssignment

    def get(self, request):
        self.require("add")
        initial = {k: int_param(request, k) for k in ("user", "unit") if request.GET.get(k)}
        return self.render(RoleAssignmentForm(user=request.user, initial=initial))

    def render(self, form, status=200):
        return render(
            self.request, "core/roleassignment_edit.html", {**self.common_context(), "form": form}, status=status
        )

    def post(self, request):
        self.require("add")
        form = RoleAssignmentForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                role_assign(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Role granted."))
                return HttpResponseRedirect(self.url("list"))
        return self.render(form, status=400)


class RoleAssignmentDeleteView(GateMixin, View):
    model = RoleAssignment

    def post(self, request, pk):
        self.require("delete")
        assignment = self.get_object("delete")
        try:
            role_revoke(actor=request.user, assignment=assignment)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Role revoked."))
        return HttpResponseRedirect(self.url("list"))
