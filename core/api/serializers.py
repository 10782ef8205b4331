from rest_framework import serializers

from core.api.viewsets import GovModelSerializer
from core.models import AuditRecord, Role, RoleAssignment, Unit


class UnitSerializer(GovModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:unit-detail")

    class Meta:
        model = Unit
        fields = [
            "id",
            "url",
            "kind",
            "name",
            "short_name",
            "code",
            "credit_code",
            "parent",
            "line_parent",
            "path",
            "depth",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["path", "depth", "created_at", "updated_at"]


class RoleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Role
        fields = ["id", "code", "name", "description", "builtin", "admin_role", "requires_second_factor"]


class RoleAssignmentSerializer(GovModelSerializer):
    class Meta:
        model = RoleAssignment
        fields = ["id", "user", "role", "unit", "include_descendants", "version", "created_at"]


class AuditRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditRecord
        fields = [
            "seq",
            "ts",
            "actor",
            "actor_name",
            "ip",
            "request_id",
            "category",
            "action",
            "event",
            "outcome",
            "object_type",
            "object_id",
            "object_repr",
            "changes",
            "prev_hash",
            "hash",
        ]
