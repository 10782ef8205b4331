"""Friendly error pages: no stack trace ever reaches a user. Under /api/ the same answers are JSON ``{"detail": …}``,
as the API's own errors are (an address no route matches, e.g. ``/api/v1/org/units/1.5/``)."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound

from core.params import BadParameter


def _api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception=None):
    """A query parameter the page cannot read says which and what it takes; other bad requests (a host header, a
    malformed upload) stay unexplained: their text is for the log."""
    message = str(exception) if isinstance(exception, BadParameter) else ""
    if _api(request):
        return JsonResponse({"detail": message or _("The request is not valid.")}, status=400)
    return render(request, "errors/400.html", {"status_code": 400, "message": message}, status=400)


def page_not_found(request, exception=None):
    if _api(request):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return render(request, "errors/404.html", {"status_code": 404}, status=404)


def server_error(request):
    if _api(request):
        message = _("Something went wrong on our side. The error has been logged; please try again later.")
        return JsonResponse({"detail": message}, status=500)
    return render(request, "errors/500.html", {"status_code": 500}, status=500)


def permission_denied(request, exception=None):
    return page_not_found(request, exception)
