"""Friendly error pages: no stack trace ever reaches a user."""

from django.shortcuts import render

from core.params import BadParameter


def bad_request(request, exception=None):
    """A query parameter the page cannot read says which and what it takes; other bad requests (a host header, a
    malformed upload) stay unexplained: their text is for the log."""
    message = str(exception) if isinstance(exception, BadParameter) else ""
    return render(request, "errors/400.html", {"status_code": 400, "message": message}, status=400)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", {"status_code": 404}, status=404)


def server_error(request):
    return render(request, "errors/500.html", {"status_code": 500}, status=500)


def permission_denied(request, exception=None):
    return render(request, "errors/404.html", {"status_code": 404}, status=404)
