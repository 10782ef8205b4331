"""Forms of the scanner import: the upload (file, system, saved mapping) and the mapping step (which column holds
what, the severity words, the day found when the file has no date, the owner, and a name to save the mapping)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.forms import DATE
from core.widgets import use_autocomplete
from inventory.models import System

from .. import scanner
from ..models import Finding, ScannerMapping
from .findings import words_field


def importable_systems(user):
    """Systems where the user may import findings (the scan belongs to one of them)."""
    systems = System.objects.restrict(user, "view").restrict(user, "import", grants_of=Finding)
    return systems.select_related("owner_unit")


def styled(form) -> None:
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


class ScanUploadForm(forms.Form):
    file = forms.FileField(label=_("Scanner export (.csv, .xlsx or .nessus)"))
    system = forms.ModelChoiceField(label=_("Information system scanned"), queryset=System.objects.none())
    mapping = forms.ModelChoiceField(
        label=_("Saved column mapping"),
        queryset=ScannerMapping.objects.none(),
        required=False,
        help_text=_("Leave empty to let govcio guess the columns from their names."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["system"].queryset = importable_systems(user)
        use_autocomplete(self.fields["system"])
        self.fields["mapping"].queryset = ScannerMapping.objects.restrict(user, "view").select_related("unit")
        styled(self)


def clean_found_on(form):
    day = form.cleaned_data["found_on"]
    if day and day > timezone.localdate():
        raise ValidationError(scanner.future_message(day))
    return day


class KnownScanForm(forms.Form):
    """The check of a known export (OpenVAS, Nessus): nothing to map; the day of the scan for a file without dates
    (Nessus's CSV), the owner, another file."""

    token = forms.CharField(widget=forms.HiddenInput)
    file = forms.FileField(
        label=_("Replace the file"), required=False, help_text=_("Upload a corrected file and check it again.")
    )
    system = forms.ModelChoiceField(label=_("Information system scanned"), queryset=System.objects.none())
    found_on = forms.DateField(
        label=_("Day of the scan"), widget=DATE, help_text=_("For rows without a date (Nessus's CSV has none).")
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Who answers for the rectification: you, unless you choose someone else here."),
    )
    known = True

    def __init__(self, *args, user=None, **kwargs):
        kwargs.pop("headers", None)
        super().__init__(*args, **kwargs)
        self.fields["found_on"].initial = timezone.localdate()
        self.fields["system"].queryset = importable_systems(user)
        use_autocomplete(self.fields["system"])
        self.fields["owner"].queryset = User.objects.restrict(user, "view")
        use_autocomplete(self.fields["owner"])
        styled(self)

    clean_found_on = clean_found_on

    def columns(self) -> dict:
        return {}


class ScanForm(forms.Form):
    """The mapping step; the column choices are the headers of the uploaded file."""

    token = forms.CharField(widget=forms.HiddenInput)
    mapping = forms.IntegerField(widget=forms.HiddenInput, required=False)
    file = forms.FileField(
        label=_("Replace the file"),
        required=False,
        help_text=_("Upload a corrected file and check it again with the same mapping."),
    )
    system = forms.ModelChoiceField(label=_("Information system scanned"), queryset=System.objects.none())
    found_on = forms.DateField(
        label=_("Found on"),
        widget=DATE,
        help_text=_("For rows without a date (or when no column holds one)."),
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Who answers for the rectification: you, unless you choose someone else here."),
    )
    words = words_field()
    save_as = forms.CharField(
        label=_("Save the mapping as"),
        max_length=100,
        required=False,
        help_text=_("A name to find this mapping again next time. A mapping of the same name is updated."),
    )

    def __init__(self, *args, headers=(), user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["found_on"].initial = timezone.localdate()
        self.fields["system"].queryset = importable_systems(user)
        use_autocomplete(self.fields["system"])
        self.fields["owner"].queryset = User.objects.restrict(user, "view")
        use_autocomplete(self.fields["owner"])
        options = [("", "—"), *[(h, h) for h in headers if h]]
        for target in scanner.TARGETS:
            self.fields[f"column_{target.name}"] = forms.ChoiceField(
                label=target.label, choices=options, required=target.required
            )
        styled(self)

    def column_fields(self):
        return [self[f"column_{target.name}"] for target in scanner.TARGETS]

    def columns(self) -> dict:
        return {
            t.name: self.cleaned_data[f"column_{t.name}"]
            for t in scanner.TARGETS
            if self.cleaned_data.get(f"column_{t.name}")
        }

    known = False
    clean_found_on = clean_found_on

    def clean_words(self):
        return scanner.parse_words(self.cleaned_data["words"])

    def clean(self):
        data = super().clean()
        used: dict[str, str] = {}
        for target in scanner.TARGETS:
            header = data.get(f"column_{target.name}")
            if header and header in used:
                message = gettext("The column “{header}” is already mapped to {field}.").format(
                    header=header, field=used[header]
                )
                self.add_error(f"column_{target.name}", ValidationError(message))
            elif header:
                used[header] = str(target.label)
        return data
