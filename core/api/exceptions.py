import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.services import ConflictError

logger = logging.getLogger(__name__)


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        # DRF would pass on Django's text ("No Grading matches the given query."), untranslated, naming the model.
        exc = NotFound()
    if isinstance(exc, ConflictError):
        return Response({"detail": str(exc)}, status=status.HTTP_412_PRECONDITION_FAILED)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
