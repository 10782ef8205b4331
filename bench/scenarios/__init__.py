"""Scenarios by name, in the order they run. Each is ``scenario(ctx) -> list[Result]``."""

from bench.scenarios import core as _core
from bench.scenarios import deletes as _deletes
from bench.scenarios import imports as _imports
from bench.scenarios import inventory as _inventory
from bench.scenarios import security as _security

SCENARIOS = {
    "list": _core.unit_list,
    "detail": _core.unit_detail,
    "system_list": _inventory.system_list,
    "system_detail": _inventory.system_detail,
    "search": _core.search,
    "impact": _inventory.impact,
    "home": _core.home,
    "overview": _inventory.overview,
    "security_dashboard": _security.dashboard,
    "fusion": _security.fusion,
    "security_lists": _security.lists,
    "compromise": _security.compromise,
    "import_export": _inventory.import_export,
    "bulk_delete": _deletes.bulk_delete,
    "import_path": _imports.import_path,
    "export": _core.export,
    "audit_verify": _core.audit_verify,
    "load": _core.load,
}
