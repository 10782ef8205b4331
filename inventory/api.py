"""The inventory's API: the same gate, services and audit as the pages.

Records with relations (a service item's systems, a link's resources, a resource's data items) are written through
the app's services, so the record and its relations save together, are checked against the user's scope and audited.
"""

from django.db.models import Prefetch
from django_filters import rest_framework as filters
from rest_framework import serializers

from core.api.filters import GovAPIFilterSet, KeyFilter
from core.api.viewsets import GovModelSerializer, GovModelViewSet, RelatedFieldsViewSet, RowSerializer, visible

from . import choices as c
from .models import DataItem, DataResource, Link, ServiceItem, System
from .services import dataresource_save, link_save, serviceitem_save

# Serializers -------------------------------------------------------------------------------------------------------


AUDIT_FIELDS = ["version", "created_at", "updated_at"]


class SystemSerializer(GovModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:system-detail")
    domestic_share = serializers.FloatField(read_only=True, allow_null=True)  # None: no components recorded

    class Meta:
        model = System
        fields = [
            "id",
            "url",
            *[f.name for f in System._meta.concrete_fields if f.name not in {"id", "created_by", "updated_by"}],
            "domestic_share",
        ]
        read_only_fields = ["mlps_level", *AUDIT_FIELDS]


class ServiceItemSerializer(GovModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:serviceitem-detail")
    systems = serializers.PrimaryKeyRelatedField(many=True, queryset=System.objects.all(), required=False)

    class Meta:
        model = ServiceItem
        fields = ["id", "url", "name", "code", "unit", "channel", "systems", *AUDIT_FIELDS]
        read_only_fields = AUDIT_FIELDS


class DataItemSerializer(RowSerializer):
    class Meta:
        model = DataItem
        fields = ["name", "data_type"]


class DataResourceSerializer(GovModelSerializer):
    """``class_code`` follows from ``kind``; ``items`` are read and written in order, as a whole list."""

    url = serializers.HyperlinkedIdentityField(view_name="api:dataresource-detail")
    items = DataItemSerializer(many=True, required=False)

    class Meta:
        model = DataResource
        fields = [
            "id",
            "url",
            *[f.name for f in DataResource._meta.concrete_fields if f.name not in {"id", "created_by", "updated_by"}],
            "items",
        ]
        # What a source catalog stated is kept as it came and changed by importing the catalog again, not here.
        read_only_fields = ["class_code", "extra_metadata", *AUDIT_FIELDS]


class LinkSerializer(GovModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:link-detail")
    resources = serializers.PrimaryKeyRelatedField(many=True, queryset=DataResource.objects.all(), required=False)

    class Meta:
        model = Link
        fields = [
            "id",
            "url",
            "from_system",
            "to_system",
            "direction",
            "method",
            "frequency",
            "resources",
            "description",
            *AUDIT_FIELDS,
        ]
        read_only_fields = AUDIT_FIELDS


# Filters (unit and system keys as numbers: a key outside scope simply matches nothing) ---------------------------


class SystemAPIFilterSet(GovAPIFilterSet):
    owner_unit = KeyFilter(field_name="owner_unit_id")
    status = filters.ChoiceFilter(choices=c.SystemStatus.choices)
    hosting = filters.ChoiceFilter(choices=c.Hosting.choices)
    network = filters.ChoiceFilter(choices=c.Network.choices)
    data_class = filters.ChoiceFilter(choices=c.DataClass.choices)
    code = filters.CharFilter()

    class Meta:
        model = System
        fields = ["owner_unit", "status", "hosting", "network", "data_class", "code"]


class ServiceItemAPIFilterSet(GovAPIFilterSet):
    unit = KeyFilter(field_name="unit_id")
    channel = filters.ChoiceFilter(choices=c.Channel.choices)
    system = KeyFilter(field_name="systems", distinct=True)
    code = filters.CharFilter()

    class Meta:
        model = ServiceItem
        fields = ["unit", "channel", "system", "code"]


class DataResourceAPIFilterSet(GovAPIFilterSet):
    provider = KeyFilter(field_name="provider_id")
    system = KeyFilter(field_name="system_id")
    kind = filters.ChoiceFilter(choices=c.CatalogKind.choices)
    sharing_type = filters.ChoiceFilter(choices=c.SharingType.choices)
    open_attribute = filters.ChoiceFilter(choices=c.OpenAttribute.choices)
    update_cycle = filters.ChoiceFilter(choices=c.UpdateCycle.choices)
    data_class = filters.ChoiceFilter(choices=c.DataClass.choices)
    code = filters.CharFilter()

    class Meta:
        model = DataResource
        fields = [
            "provider",
            "system",
            "kind",
            "sharing_type",
            "open_attribute",
            "update_cycle",
            "data_class",
            "class_code",
            "item_code",
            "category_code",
            "code",
        ]


class LinkAPIFilterSet(GovAPIFilterSet):
    from_system = KeyFilter(field_name="from_system_id")
    to_system = KeyFilter(field_name="to_system_id")
    resource = KeyFilter(field_name="resources", distinct=True)
    direction = filters.ChoiceFilter(choices=c.LinkDirection.choices)
    method = filters.ChoiceFilter(choices=c.LinkMethod.choices)
    frequency = filters.ChoiceFilter(choices=c.LinkFrequency.choices)

    class Meta:
        model = Link
        fields = ["from_system", "to_system", "resource", "direction", "method", "frequency"]


# Viewsets -----------------------------------------------------------------------------------------------------------


class SystemViewSet(GovModelViewSet):
    queryset = System.objects.select_related("owner_unit")
    serializer_class = SystemSerializer
    filterset_class = SystemAPIFilterSet
    cursor_ordering = "code"


class ServiceItemViewSet(RelatedFieldsViewSet):
    queryset = ServiceItem.objects.select_related("unit")
    serializer_class = ServiceItemSerializer
    filterset_class = ServiceItemAPIFilterSet
    cursor_ordering = "code"
    related_fields = ("systems",)

    def get_queryset(self):
        return super().get_queryset().prefetch_related(Prefetch("systems", queryset=visible(System, self.request)))

    def save(self, obj, related, before=None, expected_version=None):
        user = self.request.user
        systems = related["systems"]
        return serviceitem_save(actor=user, item=obj, systems=systems, before=before, expected_version=expected_version)


class DataResourceViewSet(RelatedFieldsViewSet):
    queryset = DataResource.objects.select_related("provider").prefetch_related("items")
    serializer_class = DataResourceSerializer
    filterset_class = DataResourceAPIFilterSet
    cursor_ordering = "code"
    related_fields = ("items",)

    def save(self, obj, related, before=None, expected_version=None):
        rows = related["items"]
        items = None if rows is None else [(item["name"], item.get("data_type", c.DataType.STRING)) for item in rows]
        return dataresource_save(
            actor=self.request.user, resource=obj, items=items, before=before, expected_version=expected_version
        )


class LinkViewSet(RelatedFieldsViewSet):
    queryset = Link.objects.all()
    serializer_class = LinkSerializer
    filterset_class = LinkAPIFilterSet
    cursor_ordering = "pk"
    related_fields = ("resources",)

    def get_queryset(self):
        resources = visible(DataResource, self.request)
        return super().get_queryset().prefetch_related(Prefetch("resources", queryset=resources))

    def save(self, obj, related, before=None, expected_version=None):
        user = self.request.user
        resources = related["resources"]
        return link_save(actor=user, link=obj, resources=resources, before=before, expected_version=expected_version)


def register(router) -> None:
    """Register the inventory's viewsets on the project's API router."""
    router.register("inventory/systems", SystemViewSet, basename="system")
    router.register("inventory/service-items", ServiceItemViewSet, basename="serviceitem")
    router.register("inventory/data-resources", DataResourceViewSet, basename="dataresource")
    router.register("inventory/links", LinkViewSet, basename="link")
