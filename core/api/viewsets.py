"""API base classes: the same gate, services and audit as the pages.

Reads go through ``restrict(user, action)`` so objects outside scope answer 404. Writes call the generic services.
A change to an existing record needs ``If-Match`` with its ETag, which is its version (``core.api.preconditions``):
428 without it, 400 when malformed, 412 when stale. Responses carrying a record carry its ETag.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.api.preconditions import PreconditionRequired, parse_if_match
from core.services import (
    conflict,
    object_create,
    object_delete,
    object_update,
    objects_delete,
    snapshot,
    version_hold,
)

ACTION_MAP = {
    "list": "view",
    "retrieve": "view",
    "create": "add",
    "update": "change",
    "partial_update": "change",
    "destroy": "delete",
    "bulk_delete": "delete",
}
BULK_DELETE_MAX = 50_000


class BulkDeleteSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        min_length=1,
        max_length=BULK_DELETE_MAX,
        help_text="The keys of the records to delete.",
    )


class GovModelSerializer(serializers.ModelSerializer):
    """Key choices — foreign keys and many-to-many keys alike — are limited to the requesting user's scope: a key
    outside scope is a validation error."""

    version = serializers.IntegerField(read_only=True)

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None:
            return fields
        for field in fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset, "restrict"):
                field.queryset = queryset.restrict(user, "view")
            child = getattr(field, "child_relation", None)
            if child is not None and hasattr(child.queryset, "restrict"):
                child.queryset = child.queryset.restrict(user, "view")
        return fields


def visible(model, request):
    """Related records as the user sees them (a ``Prefetch`` queryset): those outside their scope are neither listed
    nor changed."""
    return model.objects.restrict(request.user, "view").only("pk")


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


def raise_validation(exc: DjangoValidationError):
    """A service's refusal as the API's 400: messages by field, or ``non_field_errors`` — always an object."""
    raise ValidationError(
        exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
    ) from exc


# Actions that change an existing record; a workflow step says so with ``@action(..., requires_if_match=True)``.
CHANGES = {"update", "partial_update", "destroy"}


class GovModelViewSet(viewsets.ModelViewSet):
    cursor_ordering = "pk"
    requires_if_match = False

    @property
    def gate_action(self):
        return ACTION_MAP.get(self.action, "view")

    def get_queryset(self):
        return self.queryset.restrict(self.request.user, self.gate_action)

    def needs_if_match(self) -> bool:
        """Whether this request changes an existing versioned record (and so must name its version)."""
        model = getattr(self.queryset, "model", None)
        versioned = model is not None and any(f.name == "version" for f in model._meta.concrete_fields)
        return versioned and (self.requires_if_match or self.action in CHANGES)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Checked before the record is looked up: the answer says nothing about whether it exists.
        self.if_match = parse_if_match(request.headers.get("If-Match")) if self.needs_if_match() else None
        if self.needs_if_match() and self.if_match is None:
            raise PreconditionRequired()

    def expected_version(self, instance) -> int:
        """The version this change was made from: the record's as read, if ``If-Match`` names it (412 otherwise).
        The service's ``UPDATE … WHERE version = …`` then catches a change committed since the read."""
        if getattr(self, "if_match", None) is None:
            raise PreconditionRequired()  # an action that changes the record without declaring requires_if_match
        if not self.if_match.matches(instance.version):
            raise conflict()
        return instance.version

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        data = getattr(response, "data", None)
        if response.status_code < 300 and isinstance(data, dict) and isinstance(data.get("version"), int):
            response["ETag"] = f'"{data["version"]}"'
        return response

    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        with transaction.atomic():
            version_hold(obj=instance, version=self.expected_version(instance))
            self.perform_destroy(instance)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def perform_create(self, serializer):
        obj = serializer.Meta.model(**serializer.validated_data)
        try:
            serializer.instance = self.create_object(obj)
        except DjangoValidationError as exc:
            raise_validation(exc)

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
            raise_validation(exc)

    def perform_destroy(self, instance):
        try:
            object_delete(obj=instance, actor=self.request.user)
        except DjangoValidationError as exc:
            raise_validation(exc)
        except Http404:
            raise

    @extend_schema(request=BulkDeleteSerializer, responses={204: None})
    @action(detail=False, methods=["post"], url_path="bulk-delete", requires_if_match=True)
    def bulk_delete(self, request, *args, **kwargs):
        """Delete the records whose keys ``ids`` lists, all or nothing, set-based (``core.services.objects_delete``):
        404 if any is not there or outside scope, 400 if a record depends on one. It names no version of each, so it
        needs ``If-Match: *``."""
        if not self.if_match.any:
            raise conflict()
        body = BulkDeleteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ids = body.validated_data["ids"]
        wanted = set(ids)
        objects = []
        for start in range(0, len(ids), 30_000):
            objects += self.get_queryset().filter(pk__in=ids[start : start + 30_000])
        if len(objects) != len(wanted):
            raise Http404
        try:
            objects_delete(model=self.queryset.model, objects=objects, actor=request.user, event="bulk_delete")
        except DjangoValidationError as exc:
            raise_validation(exc)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReadOnlyGovViewSet(GovModelViewSet):
    http_method_names = ["get", "head", "options"]


class RelatedFieldsViewSet(GovModelViewSet):
    """A record written together with its related rows — many-to-many keys (a service item's systems), nested rows
    (a data resource's items) — by the app's service. Create and update call ``save(obj, related, before,
    expected_version)``, which calls that service: ``related`` holds each of ``related_fields`` as the request gives
    it, or None (leave it as it is) when the request does not. A refusal of the service is the API's 400."""

    related_fields: tuple[str, ...] = ()

    def save(self, obj, related: dict, before=None, expected_version=None):
        raise NotImplementedError

    def split(self, serializer) -> tuple[dict, dict]:
        data = dict(serializer.validated_data)
        return data, {name: data.pop(name, None) for name in self.related_fields}

    def perform_create(self, serializer):
        data, related = self.split(serializer)
        try:
            serializer.instance = self.save(serializer.Meta.model(**data), related)
        except DjangoValidationError as exc:
            raise_validation(exc)

    def perform_update(self, serializer):
        instance = serializer.instance
        before = snapshot(instance)
        data, related = self.split(serializer)
        for key, value in data.items():
            setattr(instance, key, value)
        try:
            self.save(instance, related, before, self.expected_version(instance))
        except DjangoValidationError as exc:
            raise_validation(exc)
