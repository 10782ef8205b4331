"""Deterministic demo data at the scale profiles of DOMAIN.md §2: ``generate("county", seed=1)``.

Everything random comes from one ``random.Random(seed)`` (never the global generator), drawn in a fixed order, so a
seed always yields the same organisation tree, codes and names. Only the demo accounts' password is truly random
(``secrets``), and so are the SM4 nonces of the encrypted phone numbers.

Later modules add their own demo data by appending to :data:`EXTENSIONS` a callable ``(rng, units, stdout) -> dict``:
``rng`` is a ``random.Random`` derived from the seed and the callable's name (so one extension's draws do not shift
another's), ``units`` the saved units in path order (the root first), ``stdout`` a writer with ``write(str)``; the
returned counts join the totals. Extensions run in list order inside the same transaction as the rest.

The people — staff, and one demo account per role with a password — belong to the app that owns the user model: it
registers the module that makes them with :func:`register_people` (``accounts.demo``, in ``AccountsConfig.ready``).
That module draws from the same generator, in the same place of the sequence, so a seed still yields the same demo.
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from django.db import transaction
from django.db.models import Count

from core.choices import AuditAction, AuditCategory, UnitKind
from core.models import Unit
from core.tree import segment_number, subtree_q

from . import tree

Extension = Callable[[random.Random, list[Unit], Any], dict]
EXTENSIONS: list[Extension] = []
_people: list[ModuleType] = []  # the one module that makes the demo's people (register_people)


def register_people(module: ModuleType) -> None:
    """Who makes the demo's people: a module with ``next_staff_number()``, ``create_staff(nodes, rng, target,
    first_number, phone_share, stdout)``, ``create_demo_accounts(nodes, rng)``, ``write_accounts_file(rows, header)``
    and ``accounts_table(rows)`` (see ``accounts.demo``)."""
    _people[:] = [module]


def people() -> ModuleType:
    if not _people:
        raise DemoError("no app makes the demo's people: the app owning the user model registers them")
    return _people[0]


@dataclass(frozen=True)
class Profile:
    staff: int  # staff to spread over departments and subordinate units
    phone_share: float = 1.0  # share of staff with a (SM4-encrypted) phone number


SCALES: dict[str, Profile] = {
    "county": Profile(staff=2_000),
    "city": Profile(staff=25_000),
    "province": Profile(staff=400_000),
}


class DemoError(Exception):
    """The demo cannot be generated (non-empty database without force, unknown scale, code collision)."""


class _Out:
    """Line-oriented progress output to an optional stream."""

    def __init__(self, stream=None):
        self.stream = stream

    def write(self, message: str) -> None:
        if self.stream is not None:
            self.stream.write(message if message.endswith("\n") else message + "\n")
            flush = getattr(self.stream, "flush", None)
            if flush is not None:
                flush()


def _next_root_number() -> int:
    last = Unit.objects.filter(depth=1).order_by("-path").values_list("path", flat=True).first()
    return segment_number(last) + 1 if last else 1


def _check_collisions(nodes: list[tree.Node]) -> None:
    codes = [node.unit.code for node in nodes]
    for start in range(0, len(codes), 900):
        clash = list(Unit.objects.filter(code__in=codes[start : start + 900]).values_list("code", flat=True)[:3])
        if clash:
            raise DemoError(
                f"units with codes {', '.join(clash)} already exist: this seed's tree was probably generated before. "
                "Choose another --seed."
            )


def _unit_counts(root: Unit) -> dict[str, int]:
    rows = dict(Unit.objects.filter(subtree_q("path", root.path)).values_list("kind").annotate(n=Count("pk")))
    governments = sum(
        rows.get(kind, 0) for kind in (UnitKind.PROVINCE, UnitKind.CITY, UnitKind.COUNTY, UnitKind.TOWNSHIP)
    )
    return {
        "governments": governments,
        "townships": rows.get(UnitKind.TOWNSHIP, 0),
        "departments": rows.get(UnitKind.DEPARTMENT, 0),
        "subunits": rows.get(UnitKind.SUBUNIT, 0),
        "units": sum(rows.values()),
    }


def _extension_rng(seed: int, index: int, extension: Extension) -> random.Random:
    name = f"{getattr(extension, '__module__', '')}.{getattr(extension, '__qualname__', index)}"
    return random.Random(f"govcio-demo:{seed}:{name}")


def generate(scale: str, seed: int, stdout=None, *, force: bool = False) -> dict:
    """Generate the demo data of a scale profile; returns the counts. Refuses a database with units unless ``force``.

    With ``force`` the new tree is added beside the existing one (a new root), staff numbering continues after the
    existing ``uNNNNNNN`` accounts and the demo accounts are reset to the new tree with a new password.
    """
    from core import audit

    if scale not in SCALES:
        raise DemoError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    profile = SCALES[scale]
    out = _Out(stdout)
    started = time.monotonic()
    existing = Unit.objects.count()
    if existing and not force:
        raise DemoError(
            f"the database already holds {existing} units; the demo only fills an empty database. "
            "Use --force to add a demo tree beside the existing data."
        )
    rng = random.Random(seed)
    makers = people()
    with transaction.atomic():
        step = time.monotonic()
        out.write(f"Planning the {scale} organisation tree (seed {seed})…")
        nodes = tree.plan(scale, rng, _next_root_number())
        _check_collisions(nodes)
        tree.save(nodes, out)
        root = nodes[0].unit
        counts = _unit_counts(root)
        out.write(f"  {counts['units']} units in {time.monotonic() - step:.1f}s")

        step = time.monotonic()
        out.write(f"Creating about {profile.staff} staff…")
        staff = makers.create_staff(nodes, rng, profile.staff, makers.next_staff_number(), profile.phone_share, out)
        out.write(f"  {staff.users} staff ({staff.cios} of them CIOs) in {time.monotonic() - step:.1f}s")

        rows, _password = makers.create_demo_accounts(nodes, rng)
        counts.update(
            staff=staff.users,
            demo_accounts=len(rows),
            users=staff.users + len(rows),
            role_assignments=staff.assignments + len(rows),
        )

        units = [node.unit for node in nodes]
        for index, extension in enumerate(EXTENSIONS):
            step = time.monotonic()
            result = extension(_extension_rng(seed, index, extension), units, out) or {}
            counts.update(result)
            out.write(f"  {getattr(extension, '__qualname__', extension)}: {result} in {time.monotonic() - step:.1f}s")

        audit.append_many(
            [
                audit.Entry(
                    action=AuditAction.EVENT,
                    category=AuditCategory.SYSTEM,
                    event="demo.generated",
                    actor_name="demo",
                    object_type="core.unit",
                    object_id=str(root.pk),
                    object_repr=root.name,
                    unit_path=root.path,
                    changes={"scale": scale, "seed": seed, "counts": counts},
                )
            ]
        )

    header = f"govcio demo accounts: {scale} scale, seed {seed}, root {root.name} [{root.code}]"
    path = makers.write_accounts_file(rows, header)
    _rebuild_search(out)
    elapsed = time.monotonic() - started
    out.write("")
    out.write("Counts: " + ", ".join(f"{key} {value}" for key, value in counts.items()))
    out.write(f"Done in {elapsed:.1f}s.")
    out.write("")
    out.write(makers.accounts_table(rows))
    out.write(f"Written to {path} (readable by its owner only).")
    return counts


def _rebuild_search(out: _Out) -> None:
    try:
        from core import search
    except ImportError:
        return
    if hasattr(search, "rebuild"):
        step = time.monotonic()
        out.write("Rebuilding the search index…")
        try:
            search.rebuild()
        except Exception as exc:  # the data is committed; a failed index must not hide the accounts table
            out.write(f"  search index rebuild failed ({exc}); run `govcio search rebuild`")
            return
        out.write(f"  search index rebuilt in {time.monotonic() - step:.1f}s")


__all__ = ["EXTENSIONS", "SCALES", "DemoError", "Profile", "generate"]
