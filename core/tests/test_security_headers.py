"""Security headers on every response the application makes: the Content-Security-Policy (no inline script, no eval),
``Cache-Control: no-store`` (pages, htmx fragments, API, exports, downloads, the login pages), a Permissions-Policy;
static files keep their caching. The API schema and its documentation pages are for signed-in users only.

Whether the pages still work under the policy is for the browser tests (core/tests/browser/test_csp.py)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core import files
from core.testing import PASSWORD, build_tree, make_user
from inventory.models import System

ROOT = Path(settings.BASE_DIR)
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def tree(db):
    return build_tree()


@pytest.fixture
def cio(tree):
    return make_user("hdr_cio", "cio", tree.county_a)


@pytest.fixture
def cio_client(client, cio):
    client.force_login(cio)
    return client


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def cache_control(response) -> set[str]:
    return {d.strip().split("=")[0] for d in response.get("Cache-Control", "").split(",") if d.strip()}


# Content-Security-Policy


def test_csp_allows_only_own_scripts(cio_client):
    csp = policy(cio_client.get(reverse("core:home")))
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no host
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["connect-src"] == ["'self'"]
    assert set(csp["img-src"]) == {"'self'", "data:"}
    assert "'unsafe-inline'" not in csp["style-src"]
    assert "'unsafe-eval'" not in " ".join(v for values in csp.values() for v in values)


def test_csp_on_the_login_page_and_errors(client, db):
    assert policy(client.get(reverse("accounts:login")))["script-src"] == ["'self'"]
    assert policy(client.get("/no-such-page/"))["script-src"] == ["'self'"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)


def html_sources():
    for folder in [ROOT / "templates", *ROOT.glob("*/templates")]:
        yield from folder.rglob("*.html")
    for app in ("core", "accounts", "inventory", "security"):
        yield from (p for p in (ROOT / app).rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts)


@pytest.mark.parametrize("pattern", [INLINE_SCRIPT, INLINE_HANDLER, INLINE_STYLE], ids=["script", "handler", "style"])
def test_no_inline_code_in_any_template(pattern):
    """The policy would block it: every script is a static file (data through json_script), every handler is
    attached from a script, every style is a class in a style sheet."""
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)[:80]}"
        for path in html_sources()
        for match in pattern.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_rendered_pages_carry_no_inline_code(cio_client, tree):
    system = System.objects.create(name="甲县不动产登记系统", code="BDC-01", owner_unit=tree.dept_a)
    for url in [
        reverse("core:home"),
        reverse("core:unit_tree"),
        reverse("core:unit_list"),
        reverse("inventory:system", args=[system.pk]),
        reverse("inventory:overview"),
        reverse("security:dashboard"),
        reverse("security:fusion"),
        reverse("security:finding_list"),
    ]:
        html = cio_client.get(url).content.decode()
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, INLINE_STYLE):
            assert not pattern.search(html), (url, pattern.search(html).group(0))


# Cache-Control


def test_no_store_on_pages_fragments_api_and_exports(cio_client, tree):
    responses = {
        "page": cio_client.get(reverse("core:home")),
        "htmx fragment": cio_client.get(
            reverse("core:unit_tree_children", args=[tree.county_a.pk]), HTTP_HX_REQUEST="true"
        ),
        "API": cio_client.get(reverse("api:unit-list")),
        "export": cio_client.get(reverse("core:unit_list") + "?export=csv"),
        "redirect": cio_client.get(reverse("core:unit_tree_children", args=[tree.county_a.pk]).rstrip("/")),
        "not found": cio_client.get("/no-such-page/"),
    }
    for kind, response in responses.items():
        assert response.status_code < 500, kind
        assert {"no-store", "private"} <= cache_control(response), (kind, response.get("Cache-Control"))


def test_no_store_on_attachment_downloads(cio_client, tree, cio):
    system = System.objects.create(name="甲县不动产登记系统", code="BDC-01", owner_unit=tree.dept_a)
    attachment = files.attach(SimpleUploadedFile("报告.pdf", PDF), owner=system, actor=cio, kind="report")
    response = cio_client.get(reverse("core:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert "no-store" in cache_control(response)


def test_no_store_on_the_login_and_second_factor_pages(client, tree):
    make_user("hdr_sec", "secadmin", tree.county_a)
    assert "no-store" in cache_control(client.get(reverse("accounts:login")))
    response = client.post(reverse("accounts:login"), {"username": "hdr_sec", "password": PASSWORD})
    assert "no-store" in cache_control(response)
    enrol = client.get(reverse("accounts:enrol"))
    assert enrol.status_code == 200 and b"<svg" in enrol.content
    assert "no-store" in cache_control(enrol)
    assert "no-store" in cache_control(client.get(reverse("api:unit-list")))  # anonymous: 401/403, not stored


def test_static_files_keep_their_caching(client):
    response = client.get(settings.STATIC_URL + "govcio/govcio.css")
    assert response.status_code == 200
    assert "no-store" not in cache_control(response)
    assert "max-age" in cache_control(response)


# Permissions-Policy


def test_permissions_policy_turns_off_powerful_features(cio_client):
    header = cio_client.get(reverse("core:home"))["Permissions-Policy"]
    features = dict(part.strip().split("=", 1) for part in header.split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()", feature


# The API schema and its documentation


def test_schema_and_docs_need_a_signed_in_user(client, db):
    assert client.get(reverse("api-schema")).status_code == 401
    for name in ("api-swagger", "api-redoc"):
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("accounts:login")), name


def test_docs_pages_load_their_assets_from_here_without_inline_script(cio_client):
    for name in ("api-swagger", "api-redoc"):
        response = cio_client.get(reverse(name))
        assert response.status_code == 200, name
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), name
        sources = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', html)
        assert sources and all(s.startswith(("/", "?")) for s in sources), (name, sources)
    script = cio_client.get(reverse("api-swagger") + "?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")


def test_only_redoc_gets_a_wider_policy(cio_client):
    """Swagger UI runs under the site's policy; ReDoc needs inline styles and a blob: worker, on its page alone."""
    swagger = policy(cio_client.get(reverse("api-swagger")))
    assert swagger["style-src"] == ["'self'"] and "worker-src" not in swagger
    redoc = policy(cio_client.get(reverse("api-redoc")))
    assert redoc["script-src"] == ["'self'"]
    assert set(redoc["style-src"]) == {"'self'", "'unsafe-inline'"}
    assert redoc["worker-src"] == ["blob:"]
