"""The forms every app builds on: foreign-key choices through the gate, titled groups of fields, the date input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core import gate
from core.choices import UnitKind
from core.models import Unit
from core.tree import subtree_q
from core.widgets import use_autocomplete


class GovModelForm(forms.ModelForm):
    """Foreign-key choices are limited to what the user may see; ``version`` rides along for optimistic locking."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset, "restrict"):
                field.queryset = queryset.restrict(user, "view")
                use_autocomplete(field)
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            widget.attrs.setdefault("class", css)


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def units_for(user, model, action: str):
    """Units where ``user`` may ``action`` records of ``model``: the gate's grants for that model, laid on the unit
    tree, so a liaison is offered their own department and not every unit they can merely see."""
    q = None
    for path, descendants in gate.unit_paths(user, model, action):
        part = subtree_q("path", path, descendants)
        q = part if q is None else q | part
    units = Unit.objects.restrict(user, "view").order_by("path")
    return units.filter(q) if q is not None else units.none()


class FieldsetForm(GovModelForm):
    """Renders its fields in titled groups (``fieldsets``); a row that is a tuple shares one line."""

    fieldsets: list[tuple[str, list]] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 3

    def scope_units(self, name: str) -> None:
        """Offer only units where the user may create (new) or change (existing) this kind of record."""
        if name in self.fields:
            action = "change" if self.instance.pk else "add"
            self.fields[name].queryset = units_for(self.user, type(self.instance), action)

    def groups(self):
        for title, rows in self.fieldsets:
            bound = []
            for row in rows:
                names = row if isinstance(row, tuple) else (row,)
                present = [self[name] for name in names if name in self.fields]
                if present:
                    bound.append(present)
            if bound:
                yield title, bound


class UnitForm(GovModelForm):
    class Meta:
        model = Unit
        fields = ["kind", "name", "short_name", "code", "credit_code", "parent", "line_parent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Moving is its own action (a whole subtree changes); see UnitMoveView.
            del self.fields["parent"]


class UnitMoveForm(forms.Form):
    parent = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        label=_("New parent"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Unit.objects.restrict(user, "add").exclude(kind__in=[UnitKind.SUBUNIT])
        use_autocomplete(self.fields["parent"])
