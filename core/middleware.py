import ipaddress

from django.conf import settings
from django.utils.cache import add_never_cache_headers

from core import context, gate

FOCUS_SESSION_KEY = "unit_focus"  # the unit switcher's choice: a unit path (core.views.focus)


def _trusted(address: str, proxies: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(p.strip(), strict=False) for p in proxies.split(",") if p.strip())


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, unless that is one of GOVCIO_TRUSTED_PROXIES (the reverse proxy), in
    which case the last X-Forwarded-For entry not added by a trusted proxy. Entries a client wrote itself come
    before the proxy's and are never believed; without trusted proxies the header is ignored."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "GOVCIO_TRUSTED_PROXIES", "")
    if not proxies or not _trusted(remote, proxies):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, proxies):
            return hop[:45]
    return remote


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


class UnitFocusMiddleware:
    """The unit switcher: the unit a user chose to work in (kept in the session by ``core.views.focus``) narrows the
    gate for the request, through ``gate.focus_on`` — every page, and the API when signed in by the session (an API
    token's request carries no session, and so no focus). Only narrows: a focus where the user holds no role shows
    nothing. Runs right after authentication, before anything reads the gate."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        path = session.get(FOCUS_SESSION_KEY) if session is not None else None
        user = getattr(request, "user", None)
        if path and user is not None and user.is_authenticated:
            gate.focus_on(user, path)
        return self.get_response(request)
