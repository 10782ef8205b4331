"""The forms every app builds on: foreign-key choices through the gate, titled groups of fields, the date input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.choices import UnitKind
from core.models import Unit
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

    def limit_choices(self, name: str, *, model=None, action: str | None = None) -> None:
        """Offer in field ``name`` only the records (units, systems…) that sit where the user may ``action`` records
        of ``model``: by default the form's own model, "add" for a new record and "change" for an existing one.
        The field checks a posted key against the same gated queryset, so one outside it is the field's error."""
        if name in self.fields:
            action = action or ("change" if self.instance.pk else "add")
            field = self.fields[name]
            field.queryset = field.queryset.restrict(self.user, action, grants_of=model or type(self.instance))


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def units_where(user, action: str, model):
    """Units where ``user`` may ``action`` records of ``model``, among those they may see, in tree order: the gate's
    grants for that model laid on the unit tree, so a liaison is offered their own department and not every unit
    they can merely see."""
    return Unit.objects.restrict(user, "view").restrict(user, action, grants_of=model).order_by("path")


class FieldsetForm(GovModelForm):
    """Renders its fields in titled groups (``fieldsets``); a row that is a tuple shares one line."""

    fieldsets: list[tuple[str, list]] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 3

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
