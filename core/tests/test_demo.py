import io
import re
import stat
import string

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from accounts import demo as people
from accounts.models import User
from core import audit, demo, search
from core.demo import credit
from core.models import AuditRecord, RoleAssignment, SearchEntry, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hashing(settings, tmp_path):
    """Demo accounts are hashed with set_password; a cheap hasher keeps the tests quick. Files go to tmp_path."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DATA_DIR = tmp_path


class Rollback(Exception):
    pass


def snapshot(scale="county", seed=1):
    """Generate, read back what a seed determines, and roll everything back."""
    try:
        with transaction.atomic():
            demo.generate(scale, seed)
            units = list(
                Unit.objects.order_by("path").values_list(
                    "path", "kind", "code", "name", "short_name", "credit_code", "line_parent__code"
                )
            )
            users = list(User.objects.order_by("username").values_list("username", "full_name", "title", "unit__code"))
            raise Rollback
    except Rollback:
        pass
    return units, users


def read_password(tmp_path):
    text = (tmp_path / "demo-accounts.txt").read_text(encoding="utf-8")
    match = re.search(r"^demo_cio\s+cio\s+.+?\s(\S+)$", text, re.MULTILINE)
    assert match, text
    return text, match.group(1)


def test_county_matches_the_profile():
    out = io.StringIO()
    counts = demo.generate("county", 1, stdout=out)
    assert counts["governments"] == 21 == Unit.objects.filter(kind__in=["county", "township"]).count()
    assert counts["townships"] == 20
    assert Unit.objects.filter(depth=1).get().kind == "county"
    assert 50 <= counts["departments"] + counts["subunits"] <= 90
    assert counts["subunits"] >= 3
    assert 1900 <= counts["staff"] <= 2200
    assert counts["units"] == Unit.objects.count()
    assert counts["users"] == User.objects.count() == counts["staff"] + 8
    assert counts["role_assignments"] == RoleAssignment.objects.count()
    if "core.unit" in search.registered():
        assert SearchEntry.objects.filter(object_type="core.unit").count() == counts["units"]
    text = out.getvalue()
    assert "Done in" in text and "demo_auditadmin" in text and "TOTP" in text


def test_same_seed_same_data_other_seed_other_data():
    first, again, other = snapshot(seed=7), snapshot(seed=7), snapshot(seed=8)
    assert first == again
    assert [u[2:5] for u in first[0]] != [u[2:5] for u in other[0]]
    assert [u[1] for u in first[1]] != [u[1] for u in other[1]]
    assert Unit.objects.count() == 0  # rolled back


def test_paths_depths_and_codes_are_consistent():
    demo.generate("county", 1)
    units = {u.pk: u for u in Unit.objects.all()}
    for unit in units.values():
        assert unit.depth == len(unit.path) // 4 and len(unit.path) % 4 == 0
        if unit.parent_id is None:
            assert unit.depth == 1 and re.fullmatch(r"\d{6}", unit.code)
            continue
        parent = units[unit.parent_id]
        assert unit.path.startswith(parent.path) and unit.depth == parent.depth + 1
        if unit.kind == "township":
            assert re.fullmatch(parent.code + r"\d{3}", unit.code)
        else:
            assert unit.code.startswith(parent.code + "-")
    assert len({u.path for u in units.values()}) == len(units)


def test_credit_codes_pass_the_checksum():
    assert credit.is_valid("91350100M000100Y43")  # the example of GB 32100-2015
    assert not credit.is_valid("91350100M000100Y44")
    assert not credit.is_valid("91350100M000100Y4")
    demo.generate("county", 1)
    codes = list(Unit.objects.values_list("kind", "credit_code"))
    assert all(credit.is_valid(code) for _, code in codes)
    assert len({code for _, code in codes}) == len(codes)
    assert {code[:2] for kind, code in codes if kind == "subunit"} == {"12"}
    assert {code[:2] for kind, code in codes if kind in ("county", "township")} == {"11"}


def test_demo_accounts_have_their_roles(tmp_path):
    demo.generate("county", 1)
    root = Unit.objects.get(depth=1)
    expected = {
        "demo_cio": ("cio", root, True),
        "demo_leader": ("leader", root, True),
        "demo_sysadmin": ("sysadmin", root, True),
        "demo_secadmin": ("secadmin", root, True),
        "demo_auditadmin": ("auditadmin", root, True),
        "demo_liaison": ("liaison", Unit.objects.get(code=f"{root.code}-RSJ"), False),
        "demo_expert": ("expert", Unit.objects.get(code=f"{root.code}-DSJ"), False),
    }
    _, password = read_password(tmp_path)
    for username, (role, unit, subtree) in expected.items():
        user = User.objects.get(username=username)
        assignment = RoleAssignment.objects.get(user=user)
        assert (assignment.role.code, assignment.unit, assignment.include_descendants) == (role, unit, subtree)
        assert user.unit == unit and user.password_changed_at is not None
        assert user.check_password(password)
    staff = User.objects.get(username="demo_staff")
    assert staff.unit.parent.kind == "township"
    assert staff.assignments.get().role.code == "staff"
    assert User.objects.get(username="demo_cio").full_name == "周建国"
    assert User.objects.get(username="demo_leader").title == "分管副县长"
    # Bulk staff can never log in; their phone numbers are stored encrypted.
    sample = User.objects.get(username="u0000010")
    assert not sample.has_usable_password()
    assert re.fullmatch(r"1[35789]\d{9}", sample.phone)


def test_password_file_is_private_and_the_password_strong(tmp_path):
    demo.generate("county", 1)
    path = tmp_path / "demo-accounts.txt"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text, password = read_password(tmp_path)
    assert len(password) >= 14
    for group in (string.ascii_lowercase, string.ascii_uppercase, string.digits):
        assert any(c in group for c in password)
    assert any(c in people.SYMBOLS for c in password)
    for user in User.objects.filter(username__startswith="demo_"):
        assert user.username not in password
        validate_password(password, user)
    assert text.count(password) == 8 and "second factor" in text


def test_each_run_has_its_own_password(tmp_path):
    first = snapshot()
    assert first
    _, one = read_password(tmp_path)
    demo.generate("county", 1)
    _, two = read_password(tmp_path)
    assert one != two


def test_refuses_a_non_empty_database_without_force():
    call_command("demo", "--seed", "3", stdout=io.StringIO())
    units, users = Unit.objects.count(), User.objects.count()
    with pytest.raises(CommandError, match="--force"):
        call_command("demo", stdout=io.StringIO())
    with pytest.raises(CommandError, match="another --seed"):
        call_command("demo", "--seed", "3", "--force", stdout=io.StringIO())
    assert (Unit.objects.count(), User.objects.count()) == (units, users)
    last = max(User.objects.filter(username__regex=r"^u\d{7}$").values_list("username", flat=True))
    call_command("demo", "--seed", "4", "--force", stdout=io.StringIO())
    roots = list(Unit.objects.filter(depth=1).order_by("path").values_list("path", flat=True))
    assert roots == ["0001", "0002"]
    second = Unit.objects.get(path="0002")
    assert User.objects.get(username="demo_cio").unit == second
    assert RoleAssignment.objects.filter(user__username="demo_cio").get().unit == second
    added = User.objects.filter(unit__path__startswith="0002", username__regex=r"^u\d{7}$")
    assert added.count() >= 1900 and min(added.values_list("username", flat=True)) > last
    assert User.objects.filter(username__startswith="demo_").count() == 8


def test_city_links_departments_to_the_city_line(monkeypatch):
    monkeypatch.setitem(demo.SCALES, "city", demo.Profile(staff=500))
    counts = demo.generate("city", 2)
    root = Unit.objects.get(depth=1)
    assert root.kind == "city" and counts["governments"] == 1 + 10 + counts["townships"]
    assert 600 <= counts["departments"] + counts["subunits"] <= 850
    county_depts = Unit.objects.filter(kind="department", parent__kind="county").select_related("line_parent")
    linked = [u for u in county_depts if u.line_parent_id]
    assert len(linked) >= 0.9 * len(county_depts)
    for unit in linked:
        assert unit.line_parent.parent_id == root.pk
        assert unit.line_parent.code.rsplit("-", 1)[1] == unit.code.rsplit("-", 1)[1]
    rs = Unit.objects.filter(code__endswith="-RSJ", parent__kind="county")
    assert rs.count() == 10 and all(u.line_parent.code == f"{root.code}-RSJ" for u in rs)
    assert not Unit.objects.filter(parent=root, line_parent__isnull=False).exists()


def test_one_summary_audit_entry():
    counts = demo.generate("county", 1)
    record = AuditRecord.objects.get(event="demo.generated")
    assert record.action == "event"
    assert record.changes == {"scale": "county", "seed": 1, "counts": counts}
    assert AuditRecord.objects.count() == 1
    assert audit.verify().ok


def test_extensions_run_in_order_with_their_own_generator(monkeypatch):
    calls = []

    def first(rng, units, stdout):
        calls.append(("first", rng.random(), units[0].depth, len(units)))
        return {"widgets": 3}

    def second(rng, units, stdout):
        calls.append(("second", rng.random()))
        stdout.write("second ran")
        return {}

    monkeypatch.setattr(demo, "EXTENSIONS", [first, second])
    out = io.StringIO()
    counts = demo.generate("county", 1, stdout=out)
    assert [c[0] for c in calls] == ["first", "second"]
    assert calls[0][2] == 1 and calls[0][3] == counts["units"]
    assert calls[0][1] != calls[1][1]
    assert counts["widgets"] == 3 and "second ran" in out.getvalue()


def test_allocate_hits_the_total():
    assert people.allocate([1.0, 1.0, 2.0], 100, minimum=0) == [25, 25, 50]
    assert sum(people.allocate([0.3, 1.7, 2.9, 0.1], 1000, minimum=0)) == 1000
    assert min(people.allocate([0.01, 10.0], 100)) == people.MIN_STAFF


def test_unknown_scale_is_refused():
    with pytest.raises(demo.DemoError):
        demo.generate("planet", 1)
