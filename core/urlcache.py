"""``reverse(viewname, args=[pk])`` without reversing every time: 25 µs a call adds up to seconds when an import
indexes 100,000 rows, and to milliseconds on a page listing hundreds of records (docs/decisions/0018-url-templates.md;
``core/tests/libs/test_urlcache.py`` holds it against ``reverse`` for every URL name of the project)."""

from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

_PROBE = 918_273_645_546_372_819  # a key no table reaches, to find where the key goes in a view's URL
_REVERSE = ("", "")  # the view's URL does not take every non-negative integer as its key: reverse each time
_templates: dict[tuple, tuple[str, str]] = {}


def _template(viewname: str) -> tuple[str, str]:
    probe = str(_PROBE)
    try:
        head, found, tail = reverse(viewname, args=[_PROBE]).partition(probe)
        fits_zero = reverse(viewname, args=[0]) == f"{head}0{tail}"
    except NoReverseMatch:
        return _REVERSE
    if not found or probe in tail or not fits_zero:
        return _REVERSE
    return head, tail


def pk_url(viewname: str, pk) -> str:
    """The URL of the view whose one argument is the key: what ``reverse(viewname, args=[pk])`` returns (or raises),
    from a template made by reversing twice per view, script prefix and URLconf. Non-negative integer keys only;
    others, and views whose pattern narrows the key, go through reverse."""
    if type(pk) is not int or pk < 0:
        return reverse(viewname, args=[pk])
    key = (viewname, get_script_prefix(), get_urlconf())
    template = _templates.get(key)
    if template is None:
        template = _templates[key] = _template(viewname)
    if template is _REVERSE:
        return reverse(viewname, args=[pk])
    return template[0] + str(pk) + template[1]
