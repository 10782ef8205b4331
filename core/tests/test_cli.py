"""The govcio console command and the API schema."""

import io
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accounts.models import User
from core.models import RoleAssignment
from core.testing import build_tree


@pytest.fixture
def tree(db):
    return build_tree()


def run(*args, stdin=""):
    out = io.StringIO()
    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        call_command(*args, stdout=out)
    finally:
        sys.stdin = old
    return out.getvalue()


def test_help_lists_commands(capsys):
    from govcio.cli import main

    main(["--help"])
    out = capsys.readouterr().out
    for word in ("run", "demo", "worker", "createadmin", "units", "users add", "token", "audit verify"):
        assert word in out


def test_createadmin_on_empty_tree(db):
    out = run(
        "createadmin",
        "admin1",
        "--role",
        "sysadmin",
        "--root-name",
        "青山县",
        "--root-code",
        "339901",
        "--password-stdin",
        stdin="Qingshan-2026-ok\n",
    )
    assert "sysadmin" in out
    user = User.objects.get(username="admin1")
    assert user.check_password("Qingshan-2026-ok")
    assert RoleAssignment.objects.filter(user=user, role__code="sysadmin", include_descendants=True).exists()


def test_createadmin_refuses_weak_password(db):
    with pytest.raises(CommandError):
        run(
            "createadmin",
            "admin2",
            "--root-name",
            "青山县",
            "--root-code",
            "339901",
            "--password-stdin",
            stdin="123456\n",
        )
    assert not User.objects.filter(username="admin2").exists()


def test_users_add_and_token(tree):
    out = run(
        "users_add",
        "wangfang",
        "--role",
        "liaison",
        "--unit",
        "990001-CZ",
        "--password-stdin",
        stdin="Dongshan-2026-xy\n",
    )
    assert "liaison" in out
    token = run("token", "wangfang").strip()
    assert len(token) == 64
    assert run("token", "wangfang").strip() != token  # a new token each time; none can be shown again


def test_token_through_api(tree, client):
    run(
        "users_add",
        "apiuser",
        "--role",
        "cio",
        "--unit",
        "990001",
        "--subtree",
        "--password-stdin",
        stdin="Xishan-2026-xyz\n",
    )
    token = run("token", "apiuser").strip()
    response = client.get(reverse("api:unit-list"), HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    assert {row["code"] for row in response.json()["results"]} == {"990001", "990001-CZ", "990001-CZ-01", "990001001"}


def test_units_prints_tree(tree):
    out = run("units")
    assert "甲县  [990001]" in out and "  甲县财政局  [990001-CZ]" in out


def test_api_schema_and_docs(tree, client):
    from core.testing import make_user

    client.force_login(make_user("doc", "cio", tree.county_a))
    response = client.get(reverse("api-schema"))
    assert response.status_code == 200
    assert b"/api/v1/org/units/" in response.content
    assert client.get(reverse("api-swagger")).status_code == 200
    assert client.get(reverse("api-redoc")).status_code == 200


def test_api_filters(tree, client):
    from core.testing import make_user

    client.force_login(make_user("f", "cio", tree.county_a))
    rows = client.get(reverse("api:unit-list"), {"kind": "department"}).json()["results"]
    assert [r["code"] for r in rows] == ["990001-CZ"]
    rows = client.get(reverse("api:unit-list"), {"parent": tree.dept_a.pk}).json()["results"]
    assert [r["code"] for r in rows] == ["990001-CZ-01"]
    rows = client.get(reverse("api:unit-list"), {"code": "990002"}).json()["results"]
    assert rows == []


def test_every_local_app_is_packaged_for_the_govcio_command():
    """`govcio run` imports the apps from the installed package: an app missing from the package list breaks
    `make run` on a fresh machine while the tests (run from the checkout) still pass."""
    import fnmatch
    import tomllib
    from pathlib import Path

    from django.conf import settings

    root = Path(__file__).resolve().parents[2]
    include = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]["include"]
    local = [app for app in settings.INSTALLED_APPS if (root / app.split(".")[0]).is_dir()]
    assert local, "no local apps found"
    for app in local:
        assert any(fnmatch.fnmatch(app.split(".")[0], pattern) for pattern in include), app
