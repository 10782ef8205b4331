import io
import time
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import services, tokens
from accounts.filtersets import UserFilterSet
from accounts.forms import CodeForm, LoginForm, PasswordChangeForm, TokenForm, UserForm
from accounts.models import ApiToken, User
from accounts.schemas import user_schema
from accounts.tables import UserTable
from core import gate
from core.crypto import sm4_decrypt, sm4_encrypt
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


def _next_part(request) -> str:
    return "?" + urlencode({"next": _next_url(request)})


def login_view(request):
    form = LoginForm(request.POST or None)
    error, status = None, 200
    if request.method == "POST" and form.is_valid():
        try:
            user = services.login_check_password(request=request, **form.cleaned_data)
        except services.LoginError as exc:
            error, status = str(exc), exc.status
        else:
            if services.needs_second_factor(user):
                request.session.cycle_key()
                request.session[PENDING] = user.pk
                target = "accounts:verify" if user.totp_confirmed else "accounts:enrol"
                return HttpResponseRedirect(reverse(target) + _next_part(request))
            return _finish_login(request, user)
    return render(
        request,
        "accounts/login.html",
        {"form": form, "error": error, "next": request.GET.get("next", "")},
        status=status,
    )


def _pending_user(request):
    pk = request.session.get(PENDING)
    return User.objects.filter(pk=pk, is_active=True).first() if pk else None


def verify_view(request):
    user = _pending_user(request)
    if user is None:
        return HttpResponseRedirect(reverse("accounts:login"))
    if not user.totp_confirmed:
        return HttpResponseRedirect(reverse("accounts:enrol") + _next_part(request))
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.second_factor_check(user=user, code=form.cleaned_data["code"])
        except services.LoginError as exc:
            if exc.locked:  # the half-finished login ends; the password is asked for again after the lockout
                del request.session[PENDING]
                messages.error(request, str(exc))
                return HttpResponseRedirect(reverse("accounts:login"))
            form.add_error("code", str(exc))
            status = exc.status
        else:
            del request.session[PENDING]
            return _finish_login(request, user)
    if form.errors and status == 200:
        status = 400
    return render(request, "accounts/verify.html", {"form": form, "next": request.GET.get("next", "")}, status=status)


def _qr_svg(uri: str) -> str:
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="svg", scale=5, xmldecl=False, svgns=True)
    return buffer.getvalue().decode()


# The secret offered for (re-)enrolment lives in this browser's server-side session, SM4-encrypted, until a code
# confirms it: the account itself changes only on that POST.
OFFER = "totp_offer"
REENROL_OFFER = "totp_reenrol_offer"
REENROL_SECONDS = 10 * 60


def _offer(request, key: str, user, *, max_age: int | None = None) -> str:
    data = request.session.get(key)
    if not data or data.get("user") != user.pk:
        return ""
    if max_age is not None and time.time() - data.get("at", 0) > max_age:
        return ""
    return sm4_decrypt(data["secret"])


def _keep_offer(request, key: str, user, secret: str) -> None:
    request.session[key] = {"user": user.pk, "secret": sm4_encrypt(secret), "at": time.time()}


def _enrol_page(request, user, secret: str, form, status: int = 200, template: str = "accounts/enrol.html", **extra):
    uri = services.totp_uri(user=user, secret=secret)
    context = {"form": form, "qr": _qr_svg(uri), "secret": secret, "next": request.GET.get("next", ""), **extra}
    return render(request, template, context, status=status)


def enrol_view(request):
    """First set-up of the second factor: during login for an administrator, or from the profile page."""
    pending = _pending_user(request)
    user = pending or (request.user if request.user.is_authenticated else None)
    if user is None:
        return HttpResponseRedirect(reverse("accounts:login"))
    # A confirmed factor is never replaced here: during login the code is asked for, and a signed-in user
    # replaces it through re-enrolment, which first needs a current code or a recovery code.
    elsewhere = reverse("accounts:verify" if pending else "accounts:reenrol") + _next_part(request)
    if user.totp_confirmed:
        return HttpResponseRedirect(elsewhere)
    secret = _offer(request, OFFER, user)
    if not secret:
        secret = services.totp_new_secret()
        _keep_offer(request, OFFER, user, secret)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_enable(user=user, secret=secret, code=form.cleaned_data["code"])
        except ValidationError as exc:
            if any(e.code == "confirmed" for e in exc.error_list):
                return HttpResponseRedirect(elsewhere)
            form.add_error("code", exc.messages)
        else:
            del request.session[OFFER]
            if pending:
                del request.session[PENDING]
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                services.login_succeeded(user=user)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next_url(request)})
    return _enrol_page(request, user, secret, form, status=400 if form.errors else 200)


@login_required
def reenrol_view(request):
    """A new secret for a confirmed factor (a new phone): prove a current code or a recovery code, then confirm a
    code of the new secret. Both steps are POSTs; the old secret works until the new one is confirmed."""
    user = request.user
    if not user.totp_confirmed:
        return HttpResponseRedirect(reverse("accounts:enrol"))
    offer = _offer(request, REENROL_OFFER, user, max_age=REENROL_SECONDS)
    template = "accounts/reenrol.html"
    if request.method != "POST":
        if offer:
            return _enrol_page(request, user, offer, CodeForm(), template=template, step="confirm")
        return render(request, template, {"form": CodeForm(), "step": "prove"})
    form = CodeForm(request.POST)
    step = request.POST.get("step")
    if step == "confirm" and offer:
        if form.is_valid():
            try:
                codes = services.totp_reenrol(user=user, secret=offer, code=form.cleaned_data["code"])
            except ValidationError as exc:
                form.add_error("code", exc.messages)
            else:
                del request.session[REENROL_OFFER]
                context = {"codes": codes, "next": reverse("accounts:profile")}
                return render(request, "accounts/recovery_codes.html", context)
        return _enrol_page(request, user, offer, form, status=400, template=template, step="confirm")
    if step == "prove" and form.is_valid():
        try:
            secret = services.totp_reenrol_begin(user=user, code=form.cleaned_data["code"])
        except services.LoginError as exc:
            if exc.locked:
                logout(request)
                messages.error(request, str(exc))
                return HttpResponseRedirect(reverse("accounts:login"))
            form.add_error("code", str(exc))
            return render(request, template, {"form": form, "step": "prove"}, status=exc.status)
        _keep_offer(request, REENROL_OFFER, user, secret)
        return _enrol_page(request, user, secret, CodeForm(), template=template, step="confirm")
    if step == "confirm":  # the proof is missing or older than ten minutes
        form.add_error(None, _("First enter a current code or a recovery code."))
    return render(request, template, {"form": form, "step": "prove"}, status=400)


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
def profile_view(request, token_form=None, status=200):
    user = request.user
    context = {
        "object": user,
        "assignments": user.assignments.select_related("role", "unit"),
        "tokens": ApiToken.objects.filter(user=user),
        "token_form": token_form or TokenForm(),
    }
    return render(request, "accounts/profile.html", context, status=status)


@login_required
@require_POST
def token_add_view(request):
    """A new API token, shown on this answer only (it is stored hashed)."""
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            token, text = tokens.token_create(user=request.user, actor=request.user, name=form.cleaned_data["name"])
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            return render(request, "accounts/token_created.html", {"token": text, "object": token})
    return profile_view(request, token_form=form, status=400)


@login_required
@require_POST
def token_revoke_view(request, key):
    found = list(ApiToken.objects.filter(user=request.user, token_key=key).select_related("user"))
    if not found:
        raise Http404
    for token in found:
        tokens.token_revoke(token=token, actor=request.user)
    messages.success(request, _("The API token has been revoked."))
    return HttpResponseRedirect(reverse("accounts:profile"))


# User administration ------------------------------------------------------------------------------------------


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
            return services.user_create(
                actor=actor,
                username=user.username,
                password=form.cleaned_data.get("password"),
                unit=user.unit,
                phone=form.cleaned_data.get("phone", ""),
                id_number=form.cleaned_data.get("id_number", ""),
                **fields,
            )
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
