"""Friendly error pages: no stack trace ever reaches a user."""

from django.shortcuts import render


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", {"status_code": 404}, status=404)


def server_error(request):
    return render(request, "errors/500.html", {"status_code": 500}, status=500)


def permission_denied(request, exception=None):
    return render(request, "errors/404.html", {"status_code": 404}, status=404)
