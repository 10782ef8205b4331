from django.http import HttpResponseRedirect
from django.urls import reverse

from accounts.services import password_expired

FOCUS_KEY = "unit_focus"
ALWAYS_ALLOWED = ("/accounts/", "/static/", "/i18n/")


class SecurityPolicyMiddleware:
    """An expired password must be changed before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        focus = request.session.get(FOCUS_KEY) if hasattr(request, "session") else None
        if focus and user is not None and user.is_authenticated:
            user._gate_focus = focus
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(ALWAYS_ALLOWED)
            and not request.path.startswith("/api/")
            and password_expired(user)
        ):
            return HttpResponseRedirect(reverse("accounts:password_change"))
        return self.get_response(request)
