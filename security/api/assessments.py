"""API of MLPS assessments / self-inspections and crypto assessments: the same gate, services and audit as the pages.

A crypto assessment is read and written with its item results a–h (``items``); the requirement of each item follows
from the level (GB/T 39786-2021) and the next due date from the schedule, so both are read-only.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from rest_framework import serializers

from core.api.filters import GovAPIFilterSet, KeyFilter
from core.api.viewsets import GovModelSerializer, RelatedFieldsViewSet, RowSerializer, raise_validation

from .. import choices as c
from .. import crypto
from ..models import Assessment, CryptoAssessment, CryptoItemResult
from ..services import assessments as services

AUDIT_FIELDS = ["version", "created_at", "updated_at"]
FIELDS = ["system", "kind", "level", "institution", "assessed_on", "score", "conclusion", "summary"]


class AssessmentSerializer(GovModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:assessment-detail")

    class Meta:
        model = Assessment
        fields = ["id", "url", *FIELDS, *AUDIT_FIELDS]
        read_only_fields = AUDIT_FIELDS
        extra_kwargs = {"level": {"required": False}}


class CryptoItemSerializer(RowSerializer):
    item = serializers.ChoiceField(choices=list(crypto.ITEMS))

    class Meta:
        model = CryptoItemResult
        fields = ["item", "requirement", "status", "note"]
        read_only_fields = ["requirement"]
        extra_kwargs = {"status": {"required": True}}


class CryptoAssessmentSerializer(GovModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:cryptoassessment-detail")
    items = CryptoItemSerializer(many=True, required=False)

    class Meta:
        model = CryptoAssessment
        fields = ["id", "url", *FIELDS, "next_due", "items", *AUDIT_FIELDS]
        read_only_fields = ["next_due", *AUDIT_FIELDS]
        extra_kwargs = {"level": {"required": False}}

    def validate_items(self, value):
        codes = [row["item"] for row in value]
        if len(codes) != len(set(codes)):
            raise serializers.ValidationError(_("Each item appears once."))
        return value


class AssessmentAPIFilterSet(GovAPIFilterSet):
    system = KeyFilter(field_name="system_id")
    kind = filters.ChoiceFilter(choices=c.AssessmentKind.choices)
    conclusion = filters.ChoiceFilter(choices=c.Conclusion.choices)
    since = filters.DateFilter(field_name="assessed_on", lookup_expr="gte")
    until = filters.DateFilter(field_name="assessed_on", lookup_expr="lte")

    class Meta:
        model = Assessment
        fields = ["system", "kind", "conclusion", "level", "since", "until"]


class CryptoAssessmentAPIFilterSet(AssessmentAPIFilterSet):
    kind = filters.ChoiceFilter(choices=c.CryptoAssessmentKind.choices)

    class Meta:
        model = CryptoAssessment
        fields = ["system", "kind", "conclusion", "level", "since", "until"]


class BaseAssessmentViewSet(RelatedFieldsViewSet):
    """Assessments of both kinds are created, changed and deleted through their services (due dates move; a crypto
    assessment's item results are saved with it)."""

    cursor_ordering = "-pk"
    related_fields = ("items",)

    def perform_destroy(self, instance):
        try:
            self.delete_service(actor=self.request.user, assessment=instance)
        except DjangoValidationError as exc:
            raise_validation(exc)


class AssessmentViewSet(BaseAssessmentViewSet):
    queryset = Assessment.objects.select_related("system__owner_unit")
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentAPIFilterSet
    delete_service = staticmethod(services.assessment_delete)

    def save(self, obj, related, before=None, expected_version=None):
        return services.assessment_save(
            actor=self.request.user, assessment=obj, before=before, expected_version=expected_version
        )


class CryptoAssessmentViewSet(BaseAssessmentViewSet):
    queryset = CryptoAssessment.objects.select_related("system__owner_unit").prefetch_related("items")
    serializer_class = CryptoAssessmentSerializer
    filterset_class = CryptoAssessmentAPIFilterSet
    delete_service = staticmethod(services.cryptoassessment_delete)

    def save(self, obj, related, before=None, expected_version=None):
        items = related["items"]
        given = None
        if items is not None:
            given = {row["item"]: {"status": row["status"], "note": row.get("note", "")} for row in items}
        saved = services.cryptoassessment_save(
            actor=self.request.user, assessment=obj, items=given, before=before, expected_version=expected_version
        )
        # The response shows the items as saved, not the prefetched ones of before.
        saved._prefetched_objects_cache = {}
        return saved


def register(router) -> None:
    router.register("security/assessments", AssessmentViewSet, basename="assessment")
    router.register("security/crypto-assessments", CryptoAssessmentViewSet, basename="cryptoassessment")
