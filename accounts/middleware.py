from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.services import password_expired

ALWAYS_ALLOWED = ("/accounts/", "/static/", "/i18n/")


class PasswordExpiryMiddleware:
    """An expired password must be changed before anything else: pages send the user to the change form, the API
    (signed in by session; tokens are refused in ``accounts.tokens``) answers 403."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(ALWAYS_ALLOWED)
            and password_expired(user)
        ):
            if request.path.startswith("/api/"):
                message = _(
                    "The password of this account has expired. Change it on the web page, then use the API again."
                )
                return JsonResponse({"detail": message}, status=403)
            return HttpResponseRedirect(reverse("accounts:password_change"))
        return self.get_response(request)
