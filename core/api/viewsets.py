"""API base classes: the same gate, services and audit as the pages.

Reads go through ``restrict(user, action)`` so objects outside scope answer 404. Writes call the generic services;
updates honour ``If-Match`` (the ETag is the version) and answer 412 when it is stale.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError

from core.services import ConflictError, object_create, object_delete, object_update, snapshot

ACTION_MAP = {
    "list": "view",
    "retrieve": "view",
    "create": "add",
    "update": "change",
    "partial_update": "change",
    "destroy": "delete",
}


class GovModelSerializer(serializers.ModelSerializer):
    """Foreign-key choices are limited to the requesting user's scope: a key outside scope is a validation error."""

    version = serializers.IntegerField(read_only=True)

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        for field in fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset, "restrict") and user is not None:
                field.queryset = queryset.restrict(user, "view")
        return fields


class RowSerializer(serializers.ModelSerializer):
    """A nested row (a data resource's item, a crypto assessment's item result). The rows are written as a whole
    list, so a row needs its required fields in a partial change (PATCH) of the parent too, where DRF would skip
    them and the service would meet a row without its key."""

    def validate(self, attrs):
        missing = {
            name: [field.error_messages["required"]]
            for name, field in self.fields.items()
            if field.required and not field.read_only and name not in attrs
        }
        if missing:
            raise serializers.ValidationError(missing)
        return super().validate(attrs)


def _raise_validation(exc: DjangoValidationError):
    raise ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages})


class GovModelViewSet(viewsets.ModelViewSet):
    cursor_ordering = "pk"

    @property
    def gate_action(self):
        return ACTION_MAP.get(self.action, "view")

    def get_queryset(self):
        return self.queryset.restrict(self.request.user, self.gate_action)

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = f'"{response.data.get("version", "")}"'
        return response

    def expected_version(self, instance) -> int:
        header = self.request.headers.get("If-Match", "").strip().strip('"').removeprefix("W/").strip('"')
        if header.isdigit():
            return int(header)
        return instance.version

    def perform_create(self, serializer):
        obj = serializer.Meta.model(**serializer.validated_data)
        try:
            serializer.instance = self.create_object(obj)
        except DjangoValidationError as exc:
            _raise_validation(exc)

    def create_object(self, obj):
        return object_create(obj=obj, actor=self.request.user)

    def perform_update(self, serializer):
        instance = serializer.instance
        before = snapshot(instance)
        for key, value in serializer.validated_data.items():
            setattr(instance, key, value)
        try:
            object_update(
                obj=instance, actor=self.request.user, before=before, expected_version=self.expected_version(instance)
            )
        except DjangoValidationError as exc:
            _raise_validation(exc)
        except ConflictError:
            raise
        self.headers_etag = instance.version

    def perform_destroy(self, instance):
        try:
            object_delete(obj=instance, actor=self.request.user)
        except DjangoValidationError as exc:
            _raise_validation(exc)
        except Http404:
            raise


class ReadOnlyGovViewSet(GovModelViewSet):
    http_method_names = ["get", "head", "options"]
