"""Demo staff and demo accounts: the people of the demo organisation tree (``core.demo``, which calls this module
through ``core.demo.register_people``).

Staff are written in bulk batches. They can never log in: every one shares a single unusable password value,
computed once (``make_password(None)``), so no password is hashed per row. Each staff member holds the ``staff`` role
at their own unit; each unit's 信息化专员 is also its ``liaison``; each government below the root gets a CIO.

The demo accounts (one per role) share one random password generated per run with ``secrets``; there is no default
password anywhere. It is written to ``DATA_DIR/demo-accounts.txt`` (mode 0600) and printed once.
"""

import os
import random
import secrets
import string
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from core.choices import UnitKind
from core.demo import names
from core.demo.departments import head_title, line_titles
from core.demo.tree import Node
from core.models import Role, RoleAssignment

BATCH = 5000
USERNAME = "u{:07d}"
STAFF_UNIT_KINDS = (UnitKind.DEPARTMENT, UnitKind.SUBUNIT)
MIN_STAFF = 3


def next_staff_number() -> int:
    """The number after the highest ``uNNNNNNN`` staff account (a forced re-run continues the numbering)."""
    last = (
        User.objects.filter(username__regex=r"^u[0-9]{7}$")
        .order_by("-username")
        .values_list("username", flat=True)
        .first()
    )
    return int(last[1:]) + 1 if last else 1


def allocate(weights: list[float], total: int, minimum: int = MIN_STAFF) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainders; ties by position), at least ``minimum``."""
    whole = sum(weights)
    quotas = [total * w / whole for w in weights]
    counts = [int(q) for q in quotas]
    order = sorted(range(len(weights)), key=lambda i: (counts[i] - quotas[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return [max(minimum, c) for c in counts]


def titles_for(node: Node, count: int) -> list[str]:
    """Titles of the ``count`` people of a unit: the head, deputies, the IT officer, middle managers, the rest."""
    head = head_title(node.unit.name)
    deputy = "副" + head
    middle, deputy_middle, rank = line_titles(node.unit.name, node.level)
    if node.level == "township":  # township offices are small: no middle managers
        middle = deputy_middle = rank
    deputies = 1 if count < 12 else 2 if count < 40 else 3
    titles = [head, *[deputy] * deputies, "信息化专员"]
    managers = max(0, (count - len(titles)) // 7)
    titles += [middle] * ((managers + 1) // 2) + [deputy_middle] * (managers // 2)
    titles += [rank] * (count - len(titles))
    return titles[:count]


@dataclass
class StaffResult:
    users: int = 0
    assignments: int = 0
    cios: int = 0


class StaffWriter:
    """Accumulates staff and their role assignments and writes them in batches."""

    def __init__(self, first_number: int, phone_share: float, stdout=None):
        self.number = first_number
        self.phone_share = phone_share
        self.stdout = stdout
        self.roles = dict(Role.objects.values_list("code", "pk"))
        self.password = make_password(None)  # one unusable value, computed once
        self.now = timezone.now()
        self.users: list[User] = []
        self.grants: list[list[tuple[int, int, bool]]] = []  # per user: (role id, unit id, include descendants)
        self.result = StaffResult()

    def add(self, rng: random.Random, node: Node, title: str, roles: list[tuple[str, bool]]) -> None:
        username = USERNAME.format(self.number)
        self.number += 1
        user = User(
            username=username,
            full_name=names.full_name(rng),
            unit_id=node.unit.pk,
            title=title,
            password=self.password,
            date_joined=self.now,
            is_active=True,
        )
        if rng.random() < self.phone_share:
            user.phone = names.phone(rng)  # the model's setter encrypts it (SM4)
        self.users.append(user)
        self.grants.append([(self.roles[code], node.unit.pk, subtree) for code, subtree in roles])
        if len(self.users) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.users:
            return
        User.objects.bulk_create(self.users, batch_size=BATCH)
        if any(user.pk is None for user in self.users):
            ids = dict(User.objects.filter(username__in=[u.username for u in self.users]).values_list("username", "pk"))
            for user in self.users:
                user.pk = ids[user.username]
        assignments = [
            RoleAssignment(user_id=user.pk, role_id=role, unit_id=unit, include_descendants=subtree)
            for user, grants in zip(self.users, self.grants, strict=True)
            for role, unit, subtree in grants
        ]
        RoleAssignment.objects.bulk_create(assignments, batch_size=BATCH)
        self.result.users += len(self.users)
        self.result.assignments += len(assignments)
        if self.stdout is not None and self.result.users // 50_000 != (self.result.users - len(self.users)) // 50_000:
            self.stdout.write(f"  {self.result.users} staff written")
        self.users, self.grants = [], []


def create_staff(
    nodes: list[Node], rng: random.Random, target: int, first_number: int = 1, phone_share: float = 1.0, stdout=None
) -> StaffResult:
    """About ``target`` staff spread over departments and subordinate units by size, plus one CIO per government
    below the root (province, city and county levels; townships have none)."""
    writer = StaffWriter(first_number, phone_share, stdout)
    root = nodes[0]
    for node in nodes:
        if node is not root and node.unit.kind in (UnitKind.PROVINCE, UnitKind.CITY, UnitKind.COUNTY):
            writer.add(rng, node, "首席信息官", [("cio", True)])
            writer.result.cios += 1
    staffed = [node for node in nodes if node.unit.kind in STAFF_UNIT_KINDS]
    counts = allocate([node.size for node in staffed], target)
    for node, count in zip(staffed, counts, strict=True):
        for title in titles_for(node, count):
            roles = [("staff", False)]
            if title == "信息化专员":
                roles.append(("liaison", False))
            writer.add(rng, node, title, roles)
    writer.flush()
    return writer.result


# Demo accounts -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    full_name: str
    title: str
    place: str  # where in the tree: root, hr, bigdata, township
    subtree: bool


DEMO_ACCOUNTS = (
    DemoAccount("demo_cio", "cio", "周建国", "首席信息官", "root", True),
    DemoAccount("demo_liaison", "liaison", "林晓梅", "信息化联络员", "hr", False),
    DemoAccount("demo_leader", "leader", "郑宏伟", "分管副{level}长", "root", True),
    DemoAccount("demo_expert", "expert", "孙立新", "评审专家", "bigdata", False),
    DemoAccount("demo_staff", "staff", "陈静", "科员", "township", False),
    DemoAccount("demo_sysadmin", "sysadmin", "何志强", "系统管理员", "root", True),
    DemoAccount("demo_secadmin", "secadmin", "许文杰", "安全管理员", "root", True),
    DemoAccount("demo_auditadmin", "auditadmin", "韩雪", "审计管理员", "root", True),
)
SYMBOLS = "!@#%^&*-_=+?"
PASSWORD_LENGTH = 16


def strong_password(users: list[User]) -> str:
    """A random password with lower and upper case, digits and a symbol that passes every configured validator."""
    alphabet = string.ascii_letters + string.digits + SYMBOLS
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(PASSWORD_LENGTH))
        if not all(
            any(c in group for c in password)
            for group in (string.ascii_lowercase, string.ascii_uppercase, string.digits, SYMBOLS)
        ):
            continue
        try:
            for user in users:
                validate_password(password, user)
        except ValidationError:
            continue
        return password


def _places(nodes: list[Node]) -> dict:
    root = nodes[0]
    lines = root.lines
    township_office = next((n for n in nodes if n.unit.kind == UnitKind.DEPARTMENT and n.level == "township"), root)
    return {"root": root, "hr": lines.get("RSJ", root), "bigdata": lines.get("DSJ", root), "township": township_office}


def create_demo_accounts(nodes: list[Node], rng: random.Random) -> tuple[list[dict], str]:
    """Create (or, on a forced re-run, reset) the demo accounts; returns rows for the table and the password."""
    places = _places(nodes)
    level = nodes[0].unit.name[-1]  # 县, 区, 市 or 省
    roles = {role.code: role for role in Role.objects.all()}
    missing = sorted({a.role for a in DEMO_ACCOUNTS} - set(roles))
    if missing:
        raise RuntimeError(f"roles missing (run migrate first): {', '.join(missing)}")
    users, rows = [], []
    now = timezone.now()
    for account in DEMO_ACCOUNTS:
        node = places[account.place]
        user = User.objects.filter(username=account.username).first() or User(username=account.username)
        user.full_name = account.full_name
        user.title = account.title.format(level=level)
        user.unit = node.unit
        user.phone = names.phone(rng)
        user.is_active = True
        user.failed_logins, user.locked_until = 0, None
        users.append(user)
        rows.append(
            {
                "username": account.username,
                "role": account.role,
                "unit": node.unit.name,
                "subtree": account.subtree,
                "second_factor": roles[account.role].requires_second_factor,
            }
        )
    password = strong_password(users)
    for user, account, row in zip(users, DEMO_ACCOUNTS, rows, strict=True):
        user.set_password(password)
        user.password_changed_at = now
        user.save()
        RoleAssignment.objects.filter(user=user).delete()
        RoleAssignment.objects.create(
            user=user, role=roles[account.role], unit=user.unit, include_descendants=account.subtree
        )
        row["password"] = password
    return rows, password


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def accounts_table(rows: list[dict]) -> str:
    columns = ("username", "role", "unit", "password")
    cells = [dict(zip(columns, columns, strict=True))]
    for row in rows:
        unit = row["unit"] + (" (and below)" if row["subtree"] else "")
        cells.append({"username": row["username"], "role": row["role"], "unit": unit, "password": row["password"]})
    widths = {k: max(_width(c[k]) for c in cells) for k in columns}
    lines = ["  ".join(_pad(c[k], widths[k]) for k in columns).rstrip() for c in cells]
    lines.insert(1, "  ".join("-" * widths[k] for k in columns))
    admins = ", ".join(r["username"] for r in rows if r["second_factor"])
    notes = [
        "",
        "One random password, generated for this run, is shared by the demo accounts; there is no default password.",
        "Change it after the first login.",
    ]
    if admins:
        notes.append(f"Administrator accounts ({admins}) need a second factor: they enrol TOTP at their first login.")
    return "\n".join(lines + notes) + "\n"


def write_accounts_file(rows: list[dict], header: str) -> str:
    """Write the table to DATA_DIR/demo-accounts.txt, readable by the owner only (0600)."""
    path = settings.DATA_DIR / "demo-accounts.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
    os.fchmod(fd, 0o600)  # also when the file already existed with a looser mode
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(header + "\n\n" + accounts_table(rows))
        handle.write("Delete this file once the password has been handed over.\n")
    return str(path)
