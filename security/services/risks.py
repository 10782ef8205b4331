"""Write services of the risk register: a risk saved together with the systems and data resources it concerns, and
the import that creates many at once.

Scope checks, optimistic locking and the change record come from ``core.services``; the relations are checked
against the actor's scope and audited by ``core.services.related_set`` (a target outside scope is a field error,
related records the actor cannot see stay as they are), exactly as a service item's systems are.
"""

from django.db import transaction

from core.imports import import_with_relations
from core.services import object_save, related_set

from ..models import Risk

RELATIONS = (("systems", "system_id"), ("data_resources", "dataresource_id"))


@transaction.atomic
def risk_save(*, actor, risk: Risk, systems=None, data_resources=None, before=None, expected_version=None) -> Risk:
    """Create (``before`` None) or update a risk; a relation given as None is left as it is."""
    risk = object_save(obj=risk, actor=actor, before=before, expected_version=expected_version)
    for field, targets in (("systems", systems), ("data_resources", data_resources)):
        if targets is not None:
            related_set(obj=risk, field=field, targets=targets, actor=actor)
    return risk


@transaction.atomic
def risks_import(*, actor, rows: list[dict]) -> list[Risk]:
    """The risks through import_rows (one insert, one audit batch), then both relations in one insert each and their
    audit in one batch. Each row carries ``systems_ids`` and ``data_resources_ids``, resolved within the actor's
    scope by ``core.io.checks.resolve_codes``."""
    return import_with_relations(model=Risk, rows=rows, actor=actor, relations=dict(RELATIONS))
