"""core.urlcache.pk_url against django.urls.reverse, for every URL name of the project that takes one argument."""

import pytest
from django.urls import (
    NoReverseMatch,
    URLPattern,
    URLResolver,
    clear_script_prefix,
    get_resolver,
    path,
    re_path,
    reverse,
    set_script_prefix,
    set_urlconf,
)

from core import urlcache

KEYS = [1, 7, 10**9, 2**63 - 1, 0, -1, True]


def _names(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace + entry.name


def one_argument_names():
    names = set()
    for name in set(_names(get_resolver().url_patterns)):
        try:
            reverse(name, args=[1])
        except (NoReverseMatch, TypeError):
            continue
        names.add(name)
    return sorted(names)


def outcome(function, *args):
    try:
        return function(*args)
    except (NoReverseMatch, ValueError, TypeError) as exc:
        return type(exc)


def reversed_(name, key):
    return reverse(name, args=[key])


@pytest.fixture(autouse=True)
def _empty_cache():
    urlcache._templates.clear()
    yield
    urlcache._templates.clear()
    clear_script_prefix()
    set_urlconf(None)


def test_every_one_argument_url_name_matches_reverse():
    names = one_argument_names()
    assert len(names) > 30  # the project's detail, edit and delete pages
    for name in names:
        for key in KEYS:
            expected = outcome(reversed_, name, key)
            assert outcome(urlcache.pk_url, name, key) == expected, (name, key)


@pytest.mark.parametrize("prefix", ["/", "/govcio/", "/政务 平台/"])
def test_script_prefix_including_non_ascii(prefix):
    set_script_prefix(prefix)
    for name in one_argument_names()[:10]:
        assert urlcache.pk_url(name, 42) == reverse(name, args=[42])
    set_script_prefix("/other/")
    assert urlcache.pk_url("inventory:system", 42) == reverse("inventory:system", args=[42])


def _view(request, pk):  # pragma: no cover - never called
    raise AssertionError


class BoundedUrls:
    """A URLconf whose key has a shape the probe key does not fit, and one with a non-ASCII path."""

    urlpatterns = [
        path("短/<int:pk>/", _view, name="short"),
        path("r/<str:pk>/x/", _view, name="text"),
        re_path(r"^b/(?P<pk>[0-9]{1,4})/$", _view, name="bounded"),
    ]


def test_patterns_the_probe_cannot_fill_fall_back_to_reverse():
    set_urlconf(BoundedUrls)
    for name in ("short", "text", "bounded"):
        for key in (1, 12345, -3):
            assert outcome(urlcache.pk_url, name, key) == outcome(reversed_, name, key), (name, key)


def test_a_request_urlconf_is_not_served_from_the_default_one():
    expected_default = reverse("inventory:system", args=[5])
    assert urlcache.pk_url("inventory:system", 5) == expected_default
    set_urlconf(BoundedUrls)
    assert outcome(urlcache.pk_url, "inventory:system", 5) == outcome(reversed_, "inventory:system", 5)
