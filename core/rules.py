"""Business rules on a model's writes, called by the services — never triggered by signals (STYLE.md rule 15).

An app registers a rule for a model (``rules.register(System, systems_changed)``, from its ``AppConfig.ready``).
Every service that writes records of the model — a form's or the API's save, a bulk edit, a workflow step, an import,
a delete, a bulk delete — calls ``rules.run(model, changes, actor=...)`` in its transaction, once per batch; a rule
gets all the changes of the batch and works set-based (one query for 20,000 rows, not 20,000).

A :class:`Change` names the record, the kind of write and what it wrote; ``before(name)`` and ``after(name)`` read a
field's values on either side (None before a create, after a delete), a many-to-many relation as the sorted keys.
The rules of a delete run before the rows go, so that they can still read the relations.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

CREATE, UPDATE, DELETE = "create", "update", "delete"


@dataclass(frozen=True)
class Change:
    """``values`` is the record's audited fields for a created or deleted one (their values after, or before), and
    ``{name: [before, after]}`` of what changed for an update (a relation included)."""

    obj: object
    kind: str
    values: dict

    def __contains__(self, name: str) -> bool:
        return name in self.values

    def before(self, name: str):
        if self.kind == UPDATE:
            return self.values[name][0] if name in self.values else None
        return self.values.get(name) if self.kind == DELETE else None

    def after(self, name: str):
        if self.kind == UPDATE:
            return self.values[name][1] if name in self.values else None
        return self.values.get(name) if self.kind == CREATE else None


Rule = Callable[..., None]  # rule(changes: list[Change], *, actor) -> None
_registry: dict[str, list[Rule]] = {}


def register(model, rule: Rule) -> None:
    rules = _registry.setdefault(model._meta.label_lower, [])
    if rule not in rules:
        rules.append(rule)


def unregister(model, rule: Rule) -> None:
    rules = _registry.get(model._meta.label_lower, [])
    if rule in rules:
        rules.remove(rule)


def registered(model) -> tuple[Rule, ...]:
    return tuple(_registry.get(model._meta.label_lower, ()))


def run(model, changes: Iterable[Change], *, actor) -> None:
    """Run the rules registered for ``model`` on a batch of its changes (inside the caller's transaction)."""
    rules = _registry.get(model._meta.label_lower)
    if not rules:
        return
    changes = [change for change in changes if change.values]
    if changes:
        for rule in rules:
            rule(changes, actor=actor)


def created(obj, values: dict) -> Change:
    return Change(obj, CREATE, values)


def deleted(obj, values: dict) -> Change:
    return Change(obj, DELETE, values)


def updated(obj, changes: dict) -> Change:
    return Change(obj, UPDATE, dict(changes))
