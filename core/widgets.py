"""Selects that scale: a foreign key to units, users or systems may have 100,000 choices, so the widget renders
only the selected options and finds others through the gated autocomplete endpoint as the user types."""

from django import forms
from django.urls import reverse

from core.params import parse_key


class AutocompleteMixin:
    template_name = "widgets/autocomplete.html"

    def __init__(self, model, attrs=None):
        super().__init__(attrs)
        self.model = model

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        meta = self.model._meta
        context["widget"]["autocomplete_url"] = reverse("core:autocomplete", args=[meta.app_label, meta.model_name])
        return context

    def optgroups(self, name, value, attrs=None):
        # Only what can be a key reaches the database: the value may be a bad query parameter shown back with its
        # error ("abc", "²", a number past 64 bits).
        selected = [str(v) for v in value if parse_key(str(v)) is not None]
        queryset = getattr(self.choices, "queryset", None)
        groups = []
        index = 0
        if not self.allow_multiple_selected:
            groups.append((None, [self.create_option(name, "", "---------", not selected, index, attrs=attrs)], index))
            index += 1
        if queryset is not None and selected:
            for obj in queryset.filter(pk__in=selected):
                option = self.create_option(name, obj.pk, str(obj), True, index, attrs=attrs)
                groups.append((None, [option], index))
                index += 1
        return groups


class AutocompleteSelect(AutocompleteMixin, forms.Select):
    pass


class AutocompleteSelectMultiple(AutocompleteMixin, forms.SelectMultiple):
    pass


def use_autocomplete(field) -> None:
    """Swap a model choice field's widget for the autocomplete one when its model is searchable."""
    from core import search
    from core.gate import label

    queryset = getattr(field, "queryset", None)
    if queryset is None or label(queryset.model) not in search.registered():
        return
    css = field.widget.attrs.get("class", "form-select")
    widget_class = (
        AutocompleteSelectMultiple if isinstance(field, forms.ModelMultipleChoiceField) else (AutocompleteSelect)
    )
    field.widget = widget_class(queryset.model, attrs={**field.widget.attrs, "class": css})
    field.widget.choices = field.choices
