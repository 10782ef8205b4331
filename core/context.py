"""Who is acting, from where, in which request: read by the audit log without threading it through every call."""

import contextvars
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip: str = ""


_EMPTY = RequestContext()
_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar("govcio_request", default=_EMPTY)  # noqa: B039


def current() -> RequestContext:
    return _current.get()


def begin(ip: str = "", request_id: str | None = None) -> contextvars.Token:
    return _current.set(RequestContext(request_id=request_id or uuid.uuid4().hex, ip=ip))


def end(token: contextvars.Token) -> None:
    _current.reset(token)
