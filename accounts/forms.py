from django import forms
from django.contrib.auth.password_validation import password_validators_help_texts
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import User
from core.forms import GovModelForm


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"class": "form-control", "autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "current-password"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=pgettext_lazy("second factor", "Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"class": "form-control", "autofocus": True, "autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        required=False,
        help_text=_("What the token is for, e.g. the script that uses it."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Current password"), strip=False, widget=forms.PasswordInput(attrs={"class": "form-control"})
    )
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "form-control"}),
        help_text=" ".join(str(t) for t in password_validators_help_texts()),
    )
    new_password2 = forms.CharField(
        label=_("Repeat the new password"), strip=False, widget=forms.PasswordInput(attrs={"class": "form-control"})
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_old_password(self):
        if not self.user.check_password(self.cleaned_data["old_password"]):
            raise forms.ValidationError(_("Your current password is not right."))
        return self.cleaned_data["old_password"]

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", _("The two passwords differ."))
        return data


class UserForm(GovModelForm):
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    id_number = forms.CharField(label=_("ID card number"), max_length=18, required=False)
    password = forms.CharField(
        label=_("Initial password"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Leave empty to let the user set a password through an administrator "
            "later; the account cannot log in until then."
        ),
    )

    class Meta:
        model = User
        fields = ["username", "full_name", "unit", "title", "email", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].required = True
        if self.instance.pk:
            del self.fields["password"]
            self.fields["username"].disabled = True
            self.fields["phone"].initial = self.instance.phone
            self.fields["id_number"].initial = self.instance.id_number
        for name in ("phone", "id_number", "password"):
            if name in self.fields:
                self.fields[name].widget.attrs.setdefault("class", "form-control")

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        if value and not (value.isdigit() and len(value) == 11 and value.startswith("1")):
            raise forms.ValidationError(_("Enter an 11-digit mainland mobile number."))
        return value

    def clean_id_number(self):
        from accounts.idcard import validate_id_number

        value = self.cleaned_data["id_number"].strip().upper()
        if value:
            validate_id_number(value)
        return value

    def save(self, commit=True):
        user = super().save(commit=False)
        user.phone = self.cleaned_data.get("phone", "")
        user.id_number = self.cleaned_data.get("id_number", "")
        return user
