"""Scenarios by name, in the order they run. Each is ``scenario(ctx) -> list[Result]``."""

from bench.scenarios import core as _core

SCENARIOS = {
    "list": _core.unit_list,
    "detail": _core.unit_detail,
    "search": _core.search,
    "home": _core.home,
    "export": _core.export,
    "audit_verify": _core.audit_verify,
    "load": _core.load,
}
