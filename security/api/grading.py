"""Grading API: the GB/T 22240-2020 calculation, and (registered) the gradings themselves."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api.filters import GovAPIFilterSet, IntegerFilter, KeyFilter
from core.api.viewsets import GovModelSerializer, GovModelViewSet, raise_validation
from core.services import snapshot

from .. import grading
from ..choices import GradingState, HarmDegree, HarmObject
from ..models import ExpertOpinion, Grading, SecurityPolicy
from ..services import grading as services


class StrictSerializer(serializers.Serializer):
    """Refuses keys it does not know, so a typo is an error and not a silently ignored field. Checked on the data
    each (nested) serializer receives: only the outermost one has ``initial_data``."""

    def to_internal_value(self, data):
        errors = {}
        if isinstance(data, Mapping):
            allowed = ", ".join(self.fields)
            message = _("Unknown field. Allowed: {allowed}.").format(allowed=allowed)
            errors = {str(key): [message] for key in data if key not in self.fields}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({**errors, **exc.detail}) from exc
        if errors:
            raise serializers.ValidationError(errors)
        return value


def choice(values) -> serializers.ChoiceField:
    allowed = ", ".join(values)
    return serializers.ChoiceField(
        choices=list(values),
        error_messages={
            "invalid_choice": _("“{input}” is not allowed. Allowed values: %(allowed)s.") % {"allowed": allowed},
            "required": _("This field is required. Allowed values: %(allowed)s.") % {"allowed": allowed},
        },
    )


class HarmSerializer(StrictSerializer):
    object = choice(HarmObject.values)
    degree = choice(HarmDegree.values)


class CalculateSerializer(StrictSerializer):
    business = HarmSerializer()
    service = HarmSerializer()


class LevelsSerializer(serializers.Serializer):
    business_level = serializers.IntegerField()
    service_level = serializers.IntegerField()
    level = serializers.IntegerField()


@extend_schema(request=CalculateSerializer, responses=LevelsSerializer)
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def calculate(request):
    """Grade by GB/T 22240-2020: each harm's sub-level from (object harmed × degree), the level the higher one.
    The "citizens × especially serious" cell is the caller's government's setting (default 2)."""
    data = CalculateSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    unit = getattr(request.user, "unit", None)
    policy = SecurityPolicy.for_path(unit.path if unit else "")
    result = grading.grade(
        grading.Harm(**data.validated_data["business"]),
        grading.Harm(**data.validated_data["service"]),
        citizen_especially_serious=policy.citizen_especially_serious_level,
    )
    return Response(
        {"business_level": result.business_level, "service_level": result.service_level, "level": result.level}
    )


# Gradings ------------------------------------------------------------------------------------------------------------

READ_ONLY = [
    "business_level",
    "service_level",
    "level",
    "state",
    "graded_on",
    "approved_by_name",
    "approved_on",
    "filing_number",
    "certificate_date",
    "filed_on",
    "rejection_reason",
    "needs_review",
    "review_reason",
    "filing_due",
    "filing_due_provisional",
    "next_assessment_due",
    "next_self_inspection_due",
    "review_round",
    "version",
    "created_at",
    "updated_at",
]


class GradingSerializer(GovModelSerializer):
    """The levels, state, filing and deadlines are read-only: the levels follow from the four choices, the rest
    from the workflow actions (``POST …/gradings/{id}/submit/`` and so on)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:grading-detail")

    class Meta:
        model = Grading
        fields = [
            "id",
            "url",
            "system",
            "business_object",
            "business_degree",
            "service_object",
            "service_degree",
            "rationale",
            *READ_ONLY,
        ]
        read_only_fields = READ_ONLY


class ExpertOpinionSerializer(GovModelSerializer):
    class Meta:
        model = ExpertOpinion
        fields = [
            "id",
            "grading",
            "review_round",
            "expert",
            "expert_name",
            "expert_title",
            "conclusion",
            "suggested_level",
            "opinion",
            "given_on",
            "created_at",
        ]
        read_only_fields = ["grading", "review_round", "expert", "created_at"]
        extra_kwargs = {"expert_name": {"required": False}}


class GradingStepSerializer(serializers.Serializer):
    """The inputs of the workflow steps; each step reads the ones it needs."""

    approved_by_name = serializers.CharField(required=False, max_length=100)
    approved_on = serializers.DateField(required=False)
    filing_number = serializers.CharField(required=False, max_length=60)
    certificate_date = serializers.DateField(required=False)
    filed_on = serializers.DateField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True)


class GradingAPIFilterSet(GovAPIFilterSet):
    system = KeyFilter(field_name="system_id")
    state = filters.ChoiceFilter(choices=GradingState.choices)
    level = IntegerFilter(min_value=1, max_value=5)
    needs_review = filters.BooleanFilter()

    class Meta:
        model = Grading
        fields = ["system", "state", "level", "needs_review"]


STEPS = {
    "submit": lambda g, user, data, v: services.grading_submit(actor=user, grading=g, expected_version=v),
    "close_review": lambda g, user, data, v: services.grading_close_review(actor=user, grading=g, expected_version=v),
    "approve": lambda g, user, data, v: services.grading_approve(
        actor=user,
        grading=g,
        approved_by_name=data.get("approved_by_name", ""),
        approved_on=data.get("approved_on"),
        expected_version=v,
    ),
    "file": lambda g, user, data, v: services.grading_file(
        actor=user,
        grading=g,
        filing_number=data.get("filing_number", ""),
        certificate_date=data.get("certificate_date"),
        filed_on=data.get("filed_on"),
        expected_version=v,
    ),
    "reject": lambda g, user, data, v: services.grading_reject(
        actor=user, grading=g, reason=data.get("reason", ""), expected_version=v
    ),
    "revise": lambda g, user, data, v: services.grading_revise(actor=user, grading=g, expected_version=v),
    "regrade": lambda g, user, data, v: services.grading_regrade(
        actor=user, grading=g, reason=data.get("reason", ""), expected_version=v
    ),
}


class GradingViewSet(GovModelViewSet):
    """Gradings through the same services as the pages: create and change compute the levels; the workflow steps
    are actions that check their own permission (review, approve, file) on the grading and answer 404 without it."""

    queryset = Grading.objects.select_related("system__owner_unit")
    serializer_class = GradingSerializer
    filterset_class = GradingAPIFilterSet
    cursor_ordering = "pk"

    def perform_create(self, serializer):
        try:
            serializer.instance = services.grading_save(
                actor=self.request.user, grading=Grading(**serializer.validated_data)
            )
        except DjangoValidationError as exc:
            raise_validation(exc)

    def perform_update(self, serializer):
        grading = serializer.instance
        before = snapshot(grading)
        for key, value in serializer.validated_data.items():
            setattr(grading, key, value)
        try:
            services.grading_save(
                actor=self.request.user,
                grading=grading,
                before=before,
                expected_version=self.expected_version(grading),
            )
        except DjangoValidationError as exc:
            raise_validation(exc)

    def perform_destroy(self, instance):
        try:
            services.grading_delete(actor=self.request.user, grading=instance)
        except DjangoValidationError as exc:
            raise_validation(exc)

    def step(self, request, name):
        grading = self.get_object()
        data = GradingStepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            STEPS[name](grading, request.user, data.validated_data, self.expected_version(grading))
        except DjangoValidationError as exc:
            raise_validation(exc)
        grading.refresh_from_db()
        return Response(self.get_serializer(grading).data)

    @extend_schema(request=None, responses=GradingSerializer)
    @action(detail=True, methods=["post"], requires_if_match=True)
    def submit(self, request, pk=None):
        return self.step(request, "submit")

    @extend_schema(request=None, responses=GradingSerializer)
    @action(detail=True, methods=["post"], url_path="close-review", requires_if_match=True)
    def close_review(self, request, pk=None):
        return self.step(request, "close_review")

    @extend_schema(request=GradingStepSerializer, responses=GradingSerializer)
    @action(detail=True, methods=["post"], requires_if_match=True)
    def approve(self, request, pk=None):
        return self.step(request, "approve")

    @extend_schema(request=GradingStepSerializer, responses=GradingSerializer)
    @action(detail=True, methods=["post"], url_path="file", requires_if_match=True)
    def file_(self, request, pk=None):
        return self.step(request, "file")

    @extend_schema(request=GradingStepSerializer, responses=GradingSerializer)
    @action(detail=True, methods=["post"], requires_if_match=True)
    def reject(self, request, pk=None):
        return self.step(request, "reject")

    @extend_schema(request=None, responses=GradingSerializer)
    @action(detail=True, methods=["post"], requires_if_match=True)
    def revise(self, request, pk=None):
        return self.step(request, "revise")

    @extend_schema(request=GradingStepSerializer, responses=GradingSerializer)
    @action(detail=True, methods=["post"], requires_if_match=True)
    def regrade(self, request, pk=None):
        return self.step(request, "regrade")

    @extend_schema(methods=["GET"], responses=ExpertOpinionSerializer(many=True))
    @extend_schema(methods=["POST"], request=ExpertOpinionSerializer, responses={201: ExpertOpinionSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def opinions(self, request, pk=None):
        """The expert opinions of every round (GET), or a new one in the current round (POST)."""
        grading = self.get_object()
        if request.method == "GET":
            rows = ExpertOpinion.objects.restrict(request.user, "view").filter(grading=grading)
            return Response(ExpertOpinionSerializer(rows, many=True, context={"request": request}).data)
        data = ExpertOpinionSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        try:
            opinion = services.opinion_add(
                actor=request.user, grading=grading, opinion=ExpertOpinion(**data.validated_data)
            )
        except DjangoValidationError as exc:
            raise_validation(exc)
        return Response(ExpertOpinionSerializer(opinion, context={"request": request}).data, status=201)


def register(router) -> None:
    router.register("security/gradings", GradingViewSet, basename="grading")
