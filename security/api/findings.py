"""API of findings: the same gate, services and audit as the pages. The workflow fields are read-only and move only
through the actions ``rectify`` (multipart, with ``evidence`` files), ``verify`` and ``reject``. A finding created
without a deadline gets its policy's; an update that leaves the deadline out keeps a hand-set one and moves a policy
one with the severity."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters import rest_framework as filters
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.filters import GovAPIFilterSet, KeyFilter
from core.api.viewsets import GovModelSerializer, GovModelViewSet, raise_validation
from core.services import snapshot

from .. import choices as c
from ..models import Finding
from ..services import findings as services

AUDIT_FIELDS = ["version", "created_at", "updated_at"]
SCAN_FIELDS = ["scanner", "host", "port", "protocol", "cves", "last_seen"]  # written by the scanner import only
WORKFLOW_FIELDS = [
    "deadline_provisional",
    "status",
    "rectification",
    "fixed_by",
    "fixed_at",
    "verification_note",
    "verified_by",
    "verified_at",
    "escalated_at",
]
STEP_ACTIONS = {"rectify": "change", "verify": "verify", "reject": "verify"}


class FindingSerializer(GovModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:finding-detail")
    # Declared: a read-only field built from the model drops ``allow_blank``, and the schema would then refuse the
    # blank scanner of a finding not imported from a scan.
    scanner = serializers.ChoiceField(choices=c.ScannerFormat.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "url",
            "system",
            "source",
            "assessment",
            "crypto_assessment",
            "title",
            "description",
            "severity",
            "asset",
            "reference",
            "external_id",
            "found_on",
            "owner",
            "deadline",
            *SCAN_FIELDS,
            *WORKFLOW_FIELDS,
            *AUDIT_FIELDS,
        ]
        read_only_fields = [*SCAN_FIELDS, *WORKFLOW_FIELDS, *AUDIT_FIELDS]


class FindingAPIFilterSet(GovAPIFilterSet):
    system = KeyFilter(field_name="system_id")
    owner = KeyFilter(field_name="owner_id")
    status = filters.ChoiceFilter(choices=c.FindingStatus.choices)
    severity = filters.ChoiceFilter(choices=c.Severity.choices)
    source = filters.ChoiceFilter(choices=c.FindingSource.choices)
    deadline_before = filters.DateFilter(field_name="deadline", lookup_expr="lt")

    class Meta:
        model = Finding
        fields = ["system", "owner", "status", "severity", "source", "deadline_before"]


class FindingStepSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    rectification = serializers.CharField(required=False, allow_blank=True, default="")


class FindingViewSet(GovModelViewSet):
    queryset = Finding.objects.select_related("system__owner_unit")
    serializer_class = FindingSerializer
    filterset_class = FindingAPIFilterSet
    cursor_ordering = "pk"

    @property
    def gate_action(self):
        return STEP_ACTIONS.get(self.action) or super().gate_action

    def save(self, finding, before=None, keep_deadline=False):
        try:
            return services.finding_save(
                actor=self.request.user,
                finding=finding,
                before=before,
                expected_version=self.expected_version(finding) if before is not None else None,
                keep_deadline=keep_deadline,
            )
        except DjangoValidationError as exc:
            raise_validation(exc)

    def perform_create(self, serializer):
        serializer.instance = self.save(Finding(**serializer.validated_data))

    def perform_update(self, serializer):
        finding = serializer.instance
        before = snapshot(finding)
        for key, value in serializer.validated_data.items():
            setattr(finding, key, value)
        self.save(finding, before, keep_deadline="deadline" not in serializer.validated_data)

    def perform_destroy(self, instance):
        services.finding_delete(actor=self.request.user, finding=instance)

    def step(self, request, perform):
        finding = self.get_object()
        data = FindingStepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            perform(finding, data.validated_data)
        except DjangoValidationError as exc:
            raise_validation(exc)
        return Response(FindingSerializer(finding, context=self.get_serializer_context()).data)

    @action(detail=True, methods=["post"], requires_if_match=True)
    def rectify(self, request, pk=None):
        return self.step(
            request,
            lambda finding, data: services.finding_rectify(
                actor=request.user,
                finding=finding,
                rectification=data["rectification"],
                evidence=request.FILES.getlist("evidence"),
                expected_version=self.expected_version(finding),
            ),
        )

    @action(detail=True, methods=["post"], requires_if_match=True)
    def verify(self, request, pk=None):
        return self.step(
            request,
            lambda finding, data: services.finding_verify(
                actor=request.user, finding=finding, note=data["note"], expected_version=self.expected_version(finding)
            ),
        )

    @action(detail=True, methods=["post"], requires_if_match=True)
    def reject(self, request, pk=None):
        return self.step(
            request,
            lambda finding, data: services.finding_reject(
                actor=request.user, finding=finding, note=data["note"], expected_version=self.expected_version(finding)
            ),
        )


def register(router) -> None:
    router.register("security/findings", FindingViewSet, basename="finding")
