from django.utils.cache import add_never_cache_headers

from core import context


def client_ip(request) -> str:
    # Behind the reverse proxy the production settings trust X-Forwarded-For's first hop only via REMOTE_ADDR
    # rewriting in the proxy; we never trust a client-supplied header here.
    return request.META.get("REMOTE_ADDR", "")


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = context.begin(ip=client_ip(request))
        request.request_id = context.current().request_id
        try:
            response = self.get_response(request)
        finally:
            context.end(token)
        response["X-Request-Id"] = request.request_id
        return response


class NeverCacheMiddleware:
    """Nothing the application answers is kept by a browser or a proxy (``Cache-Control: no-store, private``): pages,
    htmx fragments, API answers, exports and attachments are a user's view of scoped data, and the login pages carry
    a CSRF token. This applies to every response, signed in or not: an API token is only read inside DRF's views,
    after any middleware could tell who is asking. Static files are served by WhiteNoise above this middleware and keep
    their own caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response
