"""The OpenAPI schema says what the API answers besides success, for every operation in one place: the errors (the
shapes DRF and core.api.exceptions give them), ``If-Match`` where a change needs it (core.api.preconditions) and
the ``ETag`` of responses carrying a record. scripts/api_fuzz.py holds the API to it."""

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
RETURNS_RECORD = {"retrieve", "create", "update", "partial_update"}

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description=(
        'The ETag of the record as read (its version in double quotes, e.g. `"3"`), several separated by commas, '
        "or `*` to change it whatever its version. Absent: 428; malformed: 400; not the record's version: 412."
    ),
    pattern=r'^\s*(\*|(W/)?"[!#-~]*"(\s*,\s*(W/)?"[!#-~]*")*)\s*$',
)


def etag_header(code: int) -> OpenApiParameter:
    return OpenApiParameter(
        "ETag",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        response=[code],
        required=True,
        description="The record's version, for If-Match.",
    )


class ErrorSerializer(serializers.Serializer):
    """What went wrong, in the user's language."""

    detail = serializers.CharField()


class ValidationErrorSerializer(serializers.Serializer):
    """A request the API could not take (its schema is ``ValidationErrorExtension``'s)."""


class ValidationErrorExtension(OpenApiSerializerExtension):
    target_class = ValidationErrorSerializer

    def map_serializer(self, auto_schema, direction):
        messages = {"type": "array", "items": {"type": "string"}}
        return {
            "type": "object",
            "description": (
                "Messages by field (or query parameter, e.g. `cursor`), `non_field_errors` for the request as a "
                "whole, or `detail` alone (e.g. a malformed body or If-Match). Nested fields give the same shape "
                "inside, list rows by their index."
            ),
            "properties": {"detail": {"type": "string"}, "non_field_errors": messages},
            "additionalProperties": {"oneOf": [{"type": "array"}, {"type": "object"}]},
        }


class GovAutoSchema(AutoSchema):
    def needs_if_match(self) -> bool:
        check = getattr(self.view, "needs_if_match", None)
        return callable(check) and check()

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        action = getattr(self.view, "action", None)
        if self.needs_if_match():
            parameters.append(IF_MATCH)
        returns_record = action in RETURNS_RECORD or (self.needs_if_match() and self.method != "DELETE")
        if returns_record and self.versioned():
            parameters.append(etag_header(201 if action == "create" else 200))
        return parameters

    def versioned(self) -> bool:
        model = getattr(getattr(self.view, "queryset", None), "model", None)
        return model is not None and any(f.name == "version" for f in model._meta.concrete_fields)

    def error_responses(self) -> dict[int, tuple[type, str]]:
        errors = {
            401: (ErrorSerializer, "Not signed in: no token, or one that is not valid."),
            403: (ErrorSerializer, "The user's roles do not allow this."),
        }
        if self.method in WRITES or getattr(self.view, "action", None) == "list":
            errors[400] = (ValidationErrorSerializer, "The request, its query or its body is not valid.")
        if "{" in self.path:
            errors[404] = (ErrorSerializer, "No such record, or not in the user's scope.")
        elif getattr(self.view, "action", None) == "bulk_delete":
            errors[404] = (ErrorSerializer, "One of the records does not exist or is not in the user's scope.")
        if self.needs_if_match():
            errors[412] = (
                ErrorSerializer,
                "The record has changed since it was read (If-Match names another version).",
            )
            errors[428] = (ErrorSerializer, "If-Match is missing.")
        return errors

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        for code, (serializer, description) in sorted(self.error_responses().items()):
            if str(code) not in responses:
                response = self._get_response_for_code(serializer, str(code))
                responses[str(code)] = {**response, "description": description}
        return operation
