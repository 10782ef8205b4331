"""The unit focus (the unit switcher) is a named part of the gate's scope: ``gate.focus_on`` narrows a user's grants
to one subtree, and ``core.middleware.UnitFocusMiddleware`` applies the choice kept in the session. It narrows, never
widens; the password-expiry middleware has nothing to do with it."""

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.urls import reverse

from core import gate
from core.middleware import FOCUS_SESSION_KEY, UnitFocusMiddleware
from core.models import Unit
from core.testing import build_tree, grant, make_user


@pytest.fixture
def tree(db):
    return build_tree()


@pytest.fixture
def user(tree):
    """A liaison of dept A (that unit alone) and the CIO of county B."""
    user = make_user("focus", "liaison", tree.dept_a, subtree=False)
    grant(user, "cio", tree.county_b)
    return user


def names(user) -> set[str]:
    return set(Unit.objects.restrict(user, "view").values_list("name", flat=True))


def test_focus_narrows_the_grants_to_one_subtree(tree, user):
    assert names(user) == {"甲县财政局", "乙县", "乙县财政局"}
    gate.focus_on(user, tree.county_b.path)
    assert names(user) == {"乙县", "乙县财政局"}
    gate.focus_on(user, tree.dept_b.path)
    assert names(user) == {"乙县财政局"}
    gate.focus_on(user, None)
    assert names(user) == {"甲县财政局", "乙县", "乙县财政局"}


def test_focus_never_widens(tree, user):
    gate.focus_on(user, tree.county_a.path)  # holds only dept A itself there, without its subtree
    assert names(user) == {"甲县财政局"}
    assert not gate.can(user, "view", tree.sub_a)
    gate.focus_on(user, tree.township_a.path)  # no role at all there
    assert names(user) == set()
    assert gate.focus(user) == tree.township_a.path


def unit_names_in(request) -> HttpResponse:
    return HttpResponse(",".join(sorted(names(request.user))))


def request_with_focus(rf, user, path):
    request = rf.get("/")
    request.user = user
    request.session = SessionStore()
    if path:
        request.session[FOCUS_SESSION_KEY] = path
    return request


def test_unit_focus_middleware_applies_the_sessions_choice(rf, tree, user):
    request = request_with_focus(rf, user, tree.county_b.path)
    assert UnitFocusMiddleware(unit_names_in)(request).content.decode() == "乙县,乙县财政局"
    other = make_user("focus2", "liaison", tree.dept_a, subtree=False)
    grant(other, "cio", tree.county_b)
    assert UnitFocusMiddleware(unit_names_in)(request_with_focus(rf, other, "")).content.decode() == (
        "乙县,乙县财政局,甲县财政局"
    )


def test_the_password_expiry_middleware_leaves_the_gate_alone(rf, tree, user):
    from accounts.middleware import PasswordExpiryMiddleware

    request = request_with_focus(rf, user, tree.county_b.path)
    request.path = "/units/"
    assert PasswordExpiryMiddleware(unit_names_in)(request).content.decode() == "乙县,乙县财政局,甲县财政局"
    assert gate.focus(user) is None


def test_the_focus_middleware_runs_right_after_authentication():
    middleware = list(settings.MIDDLEWARE)
    auth = middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    assert middleware[auth + 1] == "core.middleware.UnitFocusMiddleware"


def test_the_switcher_focuses_pages_and_the_api_signed_in_by_session(tree, user, client):
    client.force_login(user)
    client.post(reverse("core:set_focus"), {"unit": tree.county_b.pk})
    api = client.get("/api/v1/org/units/").json()
    assert {row["name"] for row in api["results"]} == {"乙县", "乙县财政局"}
    client.post(reverse("core:set_focus"), {"unit": ""})
    api = client.get("/api/v1/org/units/").json()
    assert {row["name"] for row in api["results"]} == {"甲县财政局", "乙县", "乙县财政局"}
