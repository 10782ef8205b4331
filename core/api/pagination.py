"""Cursor (keyset) pagination: page 200 costs what page 1 costs. Viewsets set ``cursor_ordering``.

A cursor the server did not make is the client's mistake and answers 400 ``{"cursor": [...]}``: DRF's own decoding
answers 404 for some and lets others through — a position that is not of the sort key's type reached the database
(``?cursor=`` of ``p=abc`` on a list sorted by key was a 500). The page size ``limit`` is a whole number from 1 to
``max_page_size`` or a 400, rather than silently the default.
"""

import base64
import binascii
from urllib import parse

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import Cursor, CursorPagination

from core.params import MAX_INT, int_message, parse_int


class KeysetPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "limit"
    max_page_size = 1000
    ordering = "pk"
    invalid_cursor_message = _("Invalid cursor: use the “next” or “previous” link of a list as it is.")

    def get_ordering(self, request, queryset, view):
        return (getattr(view, "cursor_ordering", None) or self.ordering,)

    def paginate_queryset(self, queryset, request, view=None):
        self.model = queryset.model  # the sort key's type checks a cursor's position
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param, "")
        if value == "":
            return self.page_size
        size = parse_int(value, 1, self.max_page_size)
        if size is None:
            name = self.page_size_query_param
            raise ValidationError({name: [int_message(name, 1, self.max_page_size)]})
        return size

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param, "")
        if encoded == "":
            return None
        try:
            tokens = parse.parse_qs(base64.b64decode(encoded.encode("ascii"), validate=True).decode("ascii"))
            offset = parse_int(tokens.get("o", ["0"])[0], 0, MAX_INT)
            reverse = tokens.get("r", ["0"])[0]
            position = tokens.get("p", [None])[0]
        except (binascii.Error, ValueError):
            self.invalid()
        if offset is None or reverse not in {"0", "1"} or (position is not None and not self.fits(position)):
            self.invalid()
        return Cursor(offset=min(offset, self.offset_cutoff), reverse=reverse == "1", position=position)

    def fits(self, position: str) -> bool:
        """Whether ``position`` is a value of the sort key (which the database may compare without an error)."""
        if "\x00" in position:  # PostgreSQL refuses NUL in text
            return False
        name = self.ordering[0].lstrip("-")
        try:
            field = self.model._meta.pk if name == "pk" else self.model._meta.get_field(name)
        except FieldDoesNotExist:
            return True
        if isinstance(field, models.IntegerField):
            return parse_int(position) is not None
        try:
            field.to_python(position)
        except DjangoValidationError:
            return False
        return True

    def invalid(self):
        raise ValidationError({self.cursor_query_param: [self.invalid_cursor_message]})
