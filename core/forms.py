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
