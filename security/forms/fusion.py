"""The filters of the fusion ranking (a page over systems, not a list of one model)."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy

from core.models import Unit
from core.tree import subtree_q
from core.widgets import use_autocomplete


class FusionFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False)
    department = forms.ModelChoiceField(label=gettext_lazy("Department"), queryset=Unit.objects.none(), required=False)
    within = forms.ModelChoiceField(label=gettext_lazy("Within"), queryset=Unit.objects.none(), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("department", "within"):
            self.fields[name].queryset = Unit.objects.restrict(user, "view")
            use_autocomplete(self.fields[name])
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            )

    def apply(self, systems):
        if not self.is_valid():
            return systems.none()
        data = self.cleaned_data
        if data["q"]:
            term = data["q"].strip()
            systems = systems.filter(Q(name__icontains=term) | Q(code__icontains=term))
        if data["department"]:
            systems = systems.filter(owner_unit=data["department"])
        if data["within"]:
            systems = systems.filter(subtree_q("owner_unit__path", data["within"].path))
        return systems
