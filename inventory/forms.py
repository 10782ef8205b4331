"""Forms of the inventory: its records, a zombie decision, the DCAT exchange. Every choice of a unit, system or
resource comes through the gate."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from core.forms import DATE, FieldsetForm, units_where
from core.models import Unit
from core.widgets import use_autocomplete

from . import choices as c
from . import dcat
from .models import RESOURCE_CODE, DataItem, DataResource, Link, ServiceItem, System


class SystemForm(FieldsetForm):
    fieldsets = [
        (_("Basic information"), ["name", "code", "owner_unit", "responsible_person", "purpose", "url"]),
        (_("Users and status"), [("user_scope", "user_count"), ("status", "go_live_date", "last_active_date")]),
        (_("Hosting and network"), [("hosting", "network")]),
        (_("Technology"), [(f"tech_{part}", f"tech_{part}_domestic") for part in System.TECH_PARTS]),
        (_("Vendor, contract and costs"), [("vendor", "om_contract_end"), ("build_cost", "annual_om_cost")]),
        (_("Data classification"), ["data_class"]),
    ]

    url = forms.URLField(label=_("URL"), required=False, max_length=200, assume_scheme="https")

    class Meta:
        model = System
        fields = [
            "name",
            "code",
            "owner_unit",
            "responsible_person",
            "purpose",
            "url",
            "user_scope",
            "user_count",
            "status",
            "go_live_date",
            "last_active_date",
            "hosting",
            "network",
            *[f"tech_{part}{suffix}" for part in System.TECH_PARTS for suffix in ("", "_domestic")],
            "vendor",
            "om_contract_end",
            "build_cost",
            "annual_om_cost",
            "data_class",
        ]
        widgets = {"go_live_date": DATE, "last_active_date": DATE, "om_contract_end": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_choices("owner_unit")


class ServiceItemForm(FieldsetForm):
    fieldsets = [(_("Public service item"), ["name", "code", ("unit", "channel"), "systems"])]

    class Meta:
        model = ServiceItem
        fields = ["name", "code", "unit", "channel", "systems"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_choices("unit")
        if "systems" in self.fields:
            self.fields["systems"].help_text = _("Type a name or code to add a system.")


class DataResourceForm(FieldsetForm):
    """The class (类) follows from the kind and is not typed; the code may be left empty to take the next sequence
    number, or given as the 6-digit sequence only. The model's catalog rules report on the fields they concern."""

    fieldsets = [
        (
            _("Classification and code"),
            [("kind", "item_code", "category_code", "detail_code"), "code"],
        ),
        (
            _("Resource"),
            ["name", ("provider", "system"), "abstract", ("format", "data_class", "publication_date"), "related_codes"],
        ),
        (
            _("Sharing and opening"),
            [("sharing_type", "sharing_method"), "sharing_conditions", ("open_attribute", "update_cycle")],
        ),
    ]

    class Meta:
        model = DataResource
        fields = [
            "kind",
            "item_code",
            "category_code",
            "detail_code",
            "code",
            "name",
            "provider",
            "system",
            "abstract",
            "format",
            "data_class",
            "related_codes",
            "sharing_type",
            "sharing_method",
            "sharing_conditions",
            "open_attribute",
            "update_cycle",
            "publication_date",
        ]
        widgets = {"publication_date": DATE}
        help_texts = {
            "item_code": _("2 digits."),
            "category_code": _("3 digits."),
            "detail_code": _("Optional, digits."),
            "sharing_conditions": _("The conditions of conditional sharing, or the legal basis for not sharing."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_choices("provider")
        self.auto_code = False
        if "code" in self.fields:
            self.fields["code"].required = False
            self.fields["code"].help_text = _(
                "Leave empty for the next sequence number, or enter the 6-digit sequence number only."
            )

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind:
            self.instance.class_code = c.CATALOG_CLASS_DIGIT[kind]
        if "code" in self.fields:
            data["code"] = self.complete_code(data)
        return data

    def complete_code(self, data) -> str:
        code = (data.get("code") or "").strip()
        parts = (data.get(name, "") for name in ("item_code", "category_code", "detail_code"))
        classification = self.instance.class_code + "".join(parts)
        if code.isdigit() and len(code) == 6:
            return f"{classification}/{code}"
        if code:
            return code
        self.auto_code = True
        if not RESOURCE_CODE.match(f"{classification}/000001"):
            return ""  # the classification's own errors say what to fix
        from .services import next_resource_code

        return next_resource_code(classification)

    def _update_errors(self, errors):
        # The class is derived from the kind, so its error belongs on the kind; a code we numbered ourselves has no
        # error of its own when the classification it was built from is wrong. Errors on fields this form does not
        # carry (a bulk edit's few fields) are dropped: the service checks each real record again before saving.
        if hasattr(errors, "error_dict"):
            moved = errors.error_dict.pop("class_code", None)
            if moved and "kind" in self.fields:
                errors.error_dict.setdefault("kind", []).extend(moved)
            if self.auto_code:
                errors.error_dict.pop("code", None)
            for name in list(errors.error_dict):
                if name != NON_FIELD_ERRORS and name not in self.fields:
                    del errors.error_dict[name]
            if not errors.error_dict:
                return
        super()._update_errors(errors)


class DataItemForm(forms.ModelForm):
    class Meta:
        model = DataItem
        fields = ["name", "data_type"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update({"class": "form-control", "placeholder": _("e.g. 身份证号")})
        self.fields["data_type"].widget.attrs["class"] = "form-select"


DataItemFormSet = forms.inlineformset_factory(
    DataResource, DataItem, form=DataItemForm, extra=0, can_delete=True, max_num=500, validate_max=True
)


def item_formset(resource, data=None) -> forms.BaseInlineFormSet:
    formset = DataItemFormSet(data=data, instance=resource, prefix="items")
    if data is None and resource.pk is None:
        formset.extra = 3  # a new resource starts with three empty rows
    for form in formset.forms:
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"
    return formset


def items_from(formset) -> list[tuple[str, str]]:
    """The formset's kept, non-empty rows in page order, as (name, data type)."""
    items = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if data.get("DELETE") or not data.get("name"):
            continue
        items.append((data["name"].strip(), data.get("data_type") or c.DataType.STRING))
    return items


class LinkForm(FieldsetForm):
    fieldsets = [
        (_("Systems"), [("from_system", "to_system")]),
        (_("How data moves"), [("direction", "method", "frequency"), "resources", "description"]),
    ]

    class Meta:
        model = Link
        fields = ["from_system", "to_system", "direction", "method", "frequency", "resources", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_choices("from_system")  # a link belongs to its source system's department (its scope path)
        if "resources" in self.fields:
            self.fields["resources"].help_text = _("Type a name or code to add a resource.")


class ZombieReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("", "---------"), *c.ZombieDecision.choices])
    target_system = forms.ModelChoiceField(label=_("Integrate into"), queryset=System.objects.none(), required=False)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to keep a flagged system; otherwise the check's findings are recorded."),
    )

    def __init__(self, *args, user, system, **kwargs):
        super().__init__(*args, **kwargs)
        targets = (
            System.objects.restrict(user, "view")
            .exclude(pk=system.pk)
            .exclude(status=c.SystemStatus.RETIRED)
            .select_related("owner_unit")
            .order_by("owner_unit__path", "code")
        )
        field = self.fields["target_system"]
        field.queryset = targets
        field.label_from_instance = lambda s: f"{s.name} · {s.owner_unit.name}"
        self.fields["decision"].widget.attrs["class"] = "form-select"
        field.widget.attrs["class"] = "form-select"
        self.fields["reason"].widget.attrs["class"] = "form-control"


FORMAT_CHOICES = [(key, label) for key, (label, _type, _name) in dcat.FORMATS.items()]


class DcatExportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"), choices=FORMAT_CHOICES, widget=forms.Select(attrs={"class": "form-select"})
    )


IMPORT_FORMAT_CHOICES = [
    ("auto", _("Recognise from the file")),
    *FORMAT_CHOICES,
    ("portal", _("Open-data portal list (JSON or Excel)")),
]


class DcatImportForm(forms.Form):
    file = forms.FileField(label=_("Catalog file"), widget=forms.ClearableFileInput(attrs={"class": "form-control"}))
    format = forms.ChoiceField(
        label=_("Format"),
        choices=IMPORT_FORMAT_CHOICES,
        initial="auto",
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    classification = forms.RegexField(
        label=_("Classification for new codes"),
        regex=r"^[123]\d{5}\d{0,12}$",
        required=False,
        help_text=_(
            "Datasets whose identifier is not a catalog code (a UUID, an agency id) get the next free codes of this "
            "classification, e.g. 301001; the identifier is kept, so the next import of the file updates them."
        ),
        error_messages={"invalid": _("A classification is 6 to 18 digits beginning with 1, 2 or 3.")},
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "301001"}),
    )
    unit = forms.ModelChoiceField(
        label=_("Provider"),
        queryset=Unit.objects.none(),
        help_text=_("The datasets become this unit's resources, whatever publisher the file names."),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Where the user may both add and import resources; anything else is "not one of the available choices".
        units = units_where(user, "add", DataResource).restrict(user, "import", grants_of=DataResource)
        self.fields["unit"].queryset = units
        use_autocomplete(self.fields["unit"])
