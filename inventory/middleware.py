"""A page that needs the impact graph before its first build says so instead of waiting for it (decision 0013)."""

from django.http import JsonResponse
from django.shortcuts import render

from .graph import GraphPending


class GraphPendingMiddleware:
    """``GraphPending`` from any view: the page "being computed", reloading itself; the build is already asked for
    (``inventory.graph.current``). Never a build inside the request."""

    RETRY_SECONDS = 5

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, GraphPending):
            return None
        if request.GET.get("format") == "json":
            response = JsonResponse({"pending": True, "nodes": [], "edges": []})
        else:
            context = {"retry": self.RETRY_SECONDS}
            response = render(request, "inventory/impact_pending.html", context)
        response["Retry-After"] = str(self.RETRY_SECONDS)
        return response
