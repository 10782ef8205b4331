from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from rest_framework.exceptions import ValidationError

from core.api.filters import GovAPIFilterSet, KeyFilter
from core.api.serializers import AuditRecordSerializer, RoleAssignmentSerializer, UnitSerializer
from core.api.viewsets import GovModelViewSet, ReadOnlyGovViewSet, raise_validation
from core.choices import UnitKind
from core.models import AuditRecord, RoleAssignment, Unit
from core.services.roles import role_assign, role_revoke
from core.services.units import unit_create


class UnitAPIFilterSet(GovAPIFilterSet):
    kind = filters.ChoiceFilter(choices=UnitKind.choices)
    code = filters.CharFilter()
    parent = KeyFilter(field_name="parent_id")

    class Meta:
        model = Unit
        fields = ["kind", "code", "parent"]


class UnitViewSet(GovModelViewSet):
    queryset = Unit.objects.select_related("parent", "line_parent")
    serializer_class = UnitSerializer
    filterset_class = UnitAPIFilterSet
    cursor_ordering = "path"

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        try:
            serializer.instance = unit_create(actor=self.request.user, **data)
        except DjangoValidationError as exc:
            raise_validation(exc)

    def perform_update(self, serializer):
        if "parent" in serializer.validated_data and serializer.validated_data["parent"] != serializer.instance.parent:
            raise ValidationError({"parent": [_("Use the move action of the pages to move a unit.")]})
        super().perform_update(serializer)


class RoleAssignmentViewSet(GovModelViewSet):
    queryset = RoleAssignment.objects.select_related("user", "role", "unit")
    serializer_class = RoleAssignmentSerializer
    http_method_names = ["get", "post", "delete", "head", "options"]

    def perform_create(self, serializer):
        try:
            serializer.instance = role_assign(actor=self.request.user, **serializer.validated_data)
        except DjangoValidationError as exc:
            raise_validation(exc)

    def perform_destroy(self, instance):
        try:
            role_revoke(actor=self.request.user, assignment=instance)
        except DjangoValidationError as exc:
            raise_validation(exc)


class AuditRecordViewSet(ReadOnlyGovViewSet):
    queryset = AuditRecord.objects.all()
    serializer_class = AuditRecordSerializer
    cursor_ordering = "-seq"
    filterset_fields = ["action", "category", "object_type", "object_id", "actor"]
