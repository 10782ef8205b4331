"""The API's filters: numbers are whole numbers within a signed 64-bit integer, or the request is a 400 naming the
filter. django-filter's NumberFilter reads a decimal, so ``?owner_unit=1e30`` reached SQLite as 10**30 ("Python int
too large to convert to SQLite INTEGER"), a 500; a foreign key's lookup has no overflow guard of Django's own."""

from django import forms
from django.db import models
from django_filters import rest_framework as filters
from django_filters.rest_framework.filterset import FILTER_FOR_DBFIELD_DEFAULTS

from core.params import MAX_INT, MIN_INT


class IntegerFilter(filters.NumberFilter):
    """A whole number from ``min_value`` to ``max_value``; the schema says so (``integer`` with its bounds)."""

    field_class = forms.IntegerField

    def __init__(self, *args, min_value: int = MIN_INT, max_value: int = MAX_INT, **kwargs):
        super().__init__(*args, min_value=min_value, max_value=max_value, **kwargs)
        # drf-spectacular reads a filter's schema from this annotation (what @extend_schema_field sets).
        self._spectacular_annotation = {"field": {"type": "integer", "minimum": min_value, "maximum": max_value}}

    def get_max_validator(self):
        return None  # the field's own bounds


class KeyFilter(IntegerFilter):
    """A record's key (``field_name="owner_unit_id"``): a whole number from 1. A key outside the user's scope
    simply matches nothing, as the list is already restricted."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        super().__init__(*args, **kwargs)


class GovAPIFilterSet(filters.FilterSet):
    """Base of every API filter set; filters generated from model fields (``Meta.fields``, a viewset's
    ``filterset_fields``) read integers as ``IntegerFilter`` too."""

    FILTER_DEFAULTS = {
        **FILTER_FOR_DBFIELD_DEFAULTS,
        **{
            field: {"filter_class": IntegerFilter}
            for field, default in FILTER_FOR_DBFIELD_DEFAULTS.items()
            if issubclass(field, models.IntegerField) and default["filter_class"] is filters.NumberFilter
        },
    }


class FilterBackend(filters.DjangoFilterBackend):
    """django-filter's backend, building ``filterset_fields`` on ``GovAPIFilterSet``."""

    filterset_base = GovAPIFilterSet
