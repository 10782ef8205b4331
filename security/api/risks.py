"""The risk register's API: the same gate and service as the pages. Systems and data resources are read as the user
sees them and written through ``risk_save``, which checks them against the user's scope and audits the change."""

from django.db.models import Prefetch
from django_filters import rest_framework as filters
from rest_framework import serializers

from core.api.filters import GovAPIFilterSet, IntegerFilter, KeyFilter
from core.api.viewsets import GovModelSerializer, RelatedFieldsViewSet, visible
from inventory.models import DataResource, System

from .. import choices as c
from ..models import Risk
from ..services.risks import risk_save

RELATED = ("systems", "data_resources")


class RiskSerializer(GovModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:risk-detail")
    systems = serializers.PrimaryKeyRelatedField(many=True, queryset=System.objects.all(), required=False)
    data_resources = serializers.PrimaryKeyRelatedField(many=True, queryset=DataResource.objects.all(), required=False)
    score = serializers.IntegerField(read_only=True)
    rating = serializers.CharField(read_only=True)

    class Meta:
        model = Risk
        fields = [
            "id",
            "url",
            "title",
            "unit",
            "description",
            "likelihood",
            "impact",
            "score",
            "rating",
            "systems",
            "data_resources",
            "treatment",
            "treatment_plan",
            "owner",
            "due_date",
            "status",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["version", "created_at", "updated_at"]


class RiskAPIFilterSet(GovAPIFilterSet):
    unit = KeyFilter(field_name="unit_id")
    status = filters.ChoiceFilter(choices=c.RiskStatus.choices)
    treatment = filters.ChoiceFilter(choices=c.Treatment.choices)
    likelihood = IntegerFilter(min_value=1, max_value=5)
    impact = IntegerFilter(min_value=1, max_value=5)
    system = KeyFilter(field_name="systems", distinct=True)

    class Meta:
        model = Risk
        fields = ["unit", "status", "treatment", "likelihood", "impact", "system"]


class RiskViewSet(RelatedFieldsViewSet):
    queryset = Risk.objects.all()
    serializer_class = RiskSerializer
    filterset_class = RiskAPIFilterSet
    cursor_ordering = "pk"
    related_fields = RELATED

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .prefetch_related(
                Prefetch("systems", queryset=visible(System, self.request)),
                Prefetch("data_resources", queryset=visible(DataResource, self.request)),
            )
        )

    def save(self, risk, related: dict, before=None, expected_version=None):
        return risk_save(
            actor=self.request.user, risk=risk, before=before, expected_version=expected_version, **related
        )


def register(router) -> None:
    router.register("security/risks", RiskViewSet, basename="risk")
