"""One write path: outside the services (``<app>/services.py`` or ``<app>/services/``), migrations, tests, demo
generators and the testing kit, no module writes a model — no ``save()``/``delete()`` of an instance, no
``create``/``update``/``delete``/``bulk_*`` on a manager or a queryset. The services run the business rules and
append the audit in the same transaction; a write elsewhere skips both. The few modules below write by design."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("core", "accounts", "inventory", "security")
WRITES = {"save", "delete", "update", "create", "get_or_create", "update_or_create", "bulk_create", "bulk_update"}
ORM_ONLY = {"bulk_create", "bulk_update", "get_or_create", "update_or_create", "_raw_delete"}  # whatever the receiver
WRITES |= ORM_ONLY
NOT_MODELS = {"form", "self"}  # form.save(commit=False) builds an instance; a view's own save() calls the service

ALLOWED = {
    "core/audit.py": "the audit chain itself: the append-only log and its one-row head",
    "core/imports.py": "the services' import commit (audited in one batch)",
    "core/deletion.py": "the services' set-based delete (audited by objects_delete)",
    "core/search/registry.py": "the search index: derived entries, written by the services and the rebuild command",
    "core/roles.py": "reference data (roles and their permissions) loaded from YAML after migrate",
    "core/calendar_seed.py": "reference data (the official calendar) loaded after migrate",
    "core/notify.py": "the notification service: a user's inbox, idempotent per key, not a record to audit",
    "inventory/graph.py": "the impact graph's version rows: derived data, rebuilt whole by its task from the links",
    "core/staging.py": "an import's upload kept for its steps (the file, not a record; the import's rows are audited)",
    "core/importjobs.py": "an import's progress and state, claimed by one worker at a time; the commit is audited",
    "core/figures.py": "the count of committed writes that keys the shared cache (derived, not a record)",
    "core/rollups.py": "per-unit rollups and their marks: derived counts, kept from the audited writes themselves",
    "inventory/replaceable.py": "zombie criterion (b): a derived result, computed by its task from audited records",
    "security/ranking.py": "the fusion ranking: a derived order, computed by its task from audited records",
    "core/files.py": "the attachment service stores the file (the record is saved by the calling service)",
    "accounts/throttle.py": "sign-in throttle counters: rate limiting, not records",
    "accounts/tokens.py": "the API token service (create, revoke, last use), audited as security events",
    "security/report.py": "a .docx document saved to a buffer, not a model",
}


def exempt(path: Path) -> bool:
    parts = path.relative_to(ROOT).parts
    return (
        "tests" in parts
        or "migrations" in parts
        or "demo" in parts
        or path.name in {"demo.py", "testing.py"}
        or "services" in parts
        or path.name == "services.py"
    )


def writes(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITES):
            continue
        receiver = node.func.value
        text = ast.get_source_segment(source, receiver) or ""
        on_manager = "objects" in text or "_base_manager" in text or node.func.attr in ORM_ONLY
        on_instance = (
            node.func.attr in {"save", "delete"}
            and isinstance(receiver, ast.Name | ast.Attribute)
            and text not in NOT_MODELS
            and not text.startswith("self.")
            and not any(k.arg == "commit" for k in node.keywords)
        )
        if on_manager or on_instance:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {text}.{node.func.attr}()")
    return found


def test_no_module_outside_the_services_writes_a_model():
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if not exempt(path) and str(path.relative_to(ROOT)) not in ALLOWED:
                found += writes(path)
    assert found == []


def test_the_allow_list_names_modules_that_still_write():
    for name in ALLOWED:
        assert writes(ROOT / name), f"{name} writes nothing any more: take it off the list"
