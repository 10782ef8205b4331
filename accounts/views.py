import io

import segno
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import services
from accounts.forms import CodeForm, LoginForm, PasswordChangeForm, UserForm
from accounts.models import User
from accounts.schemas import user_schema
from accounts.tables import UserTable
from core import gate
from core.filtersets import GovFilterSet
from core.views.generic import (
    BulkEditView,
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    ObjectView,
    apply_errors,
)
from core.views.imports import BulkImportView

PENDING = "pending_user_id"


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("core:home")


def _finish_login(request, user):
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")  # cycles the session key
    services.login_succeeded(user=user)
    return HttpResponseRedirect(_next_url(request))


def login_view(request):
    form = LoginForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            user = services.login_check_password(request=request, **form.cleaned_data)
        except services.LoginError as exc:
            error = str(exc)
        else:
            if services.needs_second_factor(user):
                request.session.cycle_key()
                request.session[PENDING] = user.pk
                next_part = f"?next={_next_url(request)}"
                if user.totp_confirmed:
                    return HttpResponseRedirect(reverse("accounts:verify") + next_part)
                return HttpResponseRedirect(reverse("accounts:enrol") + next_part)
            return _finish_login(request, user)
    return render(
        request,
        "accounts/login.html",
        {"form": form, "error": error, "next": request.GET.get("next", "")},
        status=400 if error else 200,
    )


def _pending_user(request):
    pk = request.session.get(PENDING)
    return User.objects.filter(pk=pk, is_active=True).first() if pk else None


def verify_view(request):
    user = _pending_user(request)
    if user is None:
        return HttpResponseRedirect(reverse("accounts:login"))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.second_factor_verify(user=user, code=form.cleaned_data["code"]):
            del request.session[PENDING]
            return _finish_login(request, user)
        form.add_error("code", _("That code is not right."))
    return render(request, "accounts/verify.html", {"form": form, "next": request.GET.get("next", "")})


def _qr_svg(uri: str) -> str:
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="svg", scale=5, xmldecl=False, svgns=True)
    return buffer.getvalue().decode()


def enrol_view(request):
    """Set up the second factor: during login for administrators, or from the profile page for anyone."""
    user = _pending_user(request) or (request.user if request.user.is_authenticated else None)
    if user is None:
        return HttpResponseRedirect(reverse("accounts:login"))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_confirm(user=user, code=form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc.messages)
        else:
            if request.session.get(PENDING):
                del request.session[PENDING]
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                services.login_succeeded(user=user)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next_url(request)})
    if request.method == "GET" or not user.totp_secret_encrypted:
        uri = services.totp_begin(user=user)
        user.refresh_from_db()
    else:
        import pyotp

        uri = pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.username, issuer_name="govcio")
    return render(
        request,
        "accounts/enrol.html",
        {"form": form, "qr": _qr_svg(uri), "secret": user.totp_secret, "next": request.GET.get("next", "")},
    )


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        services.logout_recorded(user=request.user)
    logout(request)
    return HttpResponseRedirect(reverse("accounts:login"))


@login_required
def password_change_view(request):
    form = PasswordChangeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_set(user=request.user, password=form.cleaned_data["new_password"], actor=request.user)
        except ValidationError as exc:
            form.add_error("new_password", exc.messages)
        else:
            login(request, request.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your password has been changed. Other sessions have been signed out."))
            return HttpResponseRedirect(reverse("core:home"))
    expired = services.password_expired(request.user)
    return render(request, "accounts/password_change.html", {"form": form, "expired": expired})


@login_required
def profile_view(request):
    return render(
        request,
        "accounts/profile.html",
        {"object": request.user, "assignments": request.user.assignments.select_related("role", "unit")},
    )


# User administration ------------------------------------------------------------------------------------------


class UserFilterSet(GovFilterSet):
    search_fields = ("username", "full_name", "title")

    class Meta:
        model = User
        fields = ["q", "unit", "is_active"]


class UserListView(ObjectListView):
    queryset = User.objects.select_related("unit")
    table = UserTable
    filterset = UserFilterSet


class UserView(ObjectView):
    queryset = User.objects.select_related("unit")
    template_name = "accounts/user.html"

    def extra_context(self, obj):
        return {
            "show_personal": gate.can(self.request.user, "change", obj),
            "assignments": obj.assignments.select_related("role", "unit"),
        }


class UserEditView(ObjectEditView):
    model = User
    form = UserForm

    def save(self, form, before):
        actor = self.request.user
        if before is None:
            user = form.save(commit=False)
            fields = {f: getattr(user, f) for f in ("full_name", "title", "email", "is_active")}
            created = services.user_create(
                actor=actor,
                username=user.username,
                password=form.cleaned_data.get("password"),
                unit=user.unit,
                **fields,
            )
            created.phone, created.id_number = user.phone, user.id_number
            User.objects.filter(pk=created.pk).update(
                phone_encrypted=created.phone_encrypted, id_number_encrypted=created.id_number_encrypted
            )
            return created
        return services.user_update(
            actor=actor, user=form.save(commit=False), before=before, expected_version=form.cleaned_data.get("version")
        )


class UserDeleteView(ObjectDeleteView):
    model = User


class UserBulkEditView(BulkEditView):
    model = User
    form = UserForm
    bulk_fields = ["unit", "title", "is_active"]


class UserImportView(BulkImportView):
    """Imported accounts get no usable password: an administrator sets one before they can log in."""

    model = User
    schema = user_schema

    def commit(self, rows):
        from django.contrib.auth.hashers import make_password

        from core.imports import import_rows

        unusable = make_password(None)
        for row in rows:
            row["password"] = unusable
        return import_rows(model=User, rows=rows, actor=self.request.user)


__all__ = ["apply_errors"]
