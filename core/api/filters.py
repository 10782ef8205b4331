"""The API's filter sets: numbers are whole numbers within a signed 64-bit integer (``core.filtersets.IntegerFilter``,
``KeyFilter``), or the request is a 400 naming the filter — for declared filters and for those django-filter makes from
model fields (``Meta.fields``, a viewset's ``filterset_fields``) alike."""

from django_filters import rest_framework as filters
from django_filters.rest_framework.filterset import FILTER_FOR_DBFIELD_DEFAULTS

from core.filtersets import IntegerFilter, KeyFilter, integer_defaults

__all__ = ["FilterBackend", "GovAPIFilterSet", "IntegerFilter", "KeyFilter"]


class GovAPIFilterSet(filters.FilterSet):
    FILTER_DEFAULTS = integer_defaults(FILTER_FOR_DBFIELD_DEFAULTS)


class FilterBackend(filters.DjangoFilterBackend):
    """django-filter's backend, building ``filterset_fields`` on ``GovAPIFilterSet``."""

    filterset_base = GovAPIFilterSet
