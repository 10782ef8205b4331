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
