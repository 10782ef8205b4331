"""Related records named as the reader may see them (``core.names``): ``{% load names %}``, then

- ``{% name_of obj %}``: its name, or "Another unit's information system";
- ``{% link_to obj %}``: its name as a link to it, or the placeholder as plain text;
- ``{% title_of obj %}``: the name of a record made of related records' names (a link: "system → system");
- ``{% can_see obj as visible %}``: whether to show more of it (its code, its unit).

The reader is the request's user; a template rendered without a request sees no related record.
"""

from django import template
from django.contrib.auth.models import AnonymousUser
from django.utils.html import format_html

from core import names

register = template.Library()


def _reader(context):
    request = context.get("request")
    return getattr(request, "user", None) or AnonymousUser()


@register.simple_tag(takes_context=True)
def name_of(context, obj) -> str:
    return names.name(_reader(context), obj)


@register.simple_tag(takes_context=True)
def title_of(context, obj) -> str:
    return names.title(_reader(context), obj)


@register.simple_tag(takes_context=True)
def link_to(context, obj) -> str:
    if obj is None:
        return ""
    if names.can_see(_reader(context), obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj)
    return format_html('<span class="text-secondary">{}</span>', names.placeholder(type(obj)))


@register.simple_tag(takes_context=True)
def can_see(context, obj) -> bool:
    return names.can_see(_reader(context), obj)
