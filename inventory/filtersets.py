"""Filters of the inventory's list pages. Units and systems are chosen among those the user may see (GovFilterSet
restricts the choices and finds them through the gated autocomplete)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filtersets import YES_NO, GovFilterSet, record_filter, within
from core.models import Unit

from . import choices as c
from .models import DataResource, Link, ServiceItem, System


class SystemFilterSet(GovFilterSet):
    owner_unit = django_filters.ModelChoiceFilter(label=_("Owning department"), queryset=Unit.objects.all())
    within = within("owner_unit__path")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=c.SystemStatus.choices)
    hosting = django_filters.ChoiceFilter(label=_("Hosting"), choices=c.Hosting.choices)
    network = django_filters.ChoiceFilter(label=_("Network"), choices=c.Network.choices)
    data_class = django_filters.ChoiceFilter(label=_("Data classification"), choices=c.DataClass.choices)
    domestic = django_filters.ChoiceFilter(label=_("Domestic (信创)"), choices=YES_NO, method="filter_domestic")
    search_fields = ("name", "code", "purpose", "vendor")

    class Meta:
        model = System
        fields = ["q", "owner_unit", "within", "status", "hosting", "network", "data_class", "domestic"]

    def filter_domestic(self, queryset, name, value):
        """Yes: at least one component is recorded and every recorded one is domestic. No: some recorded component
        is not domestic."""
        foreign = Q()
        recorded = Q()
        for part in System.TECH_PARTS:
            filled = ~Q(**{f"tech_{part}": ""})
            recorded |= filled
            foreign |= filled & Q(**{f"tech_{part}_domestic": False})
        if value == "yes":
            return queryset.filter(recorded).exclude(foreign)
        if value == "no":
            return queryset.filter(foreign)
        return queryset


class ServiceItemFilterSet(GovFilterSet):
    unit = django_filters.ModelChoiceFilter(label=_("Department"), queryset=Unit.objects.all())
    within = within("unit__path")
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=c.Channel.choices)
    system = record_filter(System, _("Delivering system"), "systems")
    search_fields = ("name", "code")

    class Meta:
        model = ServiceItem
        fields = ["q", "unit", "within", "channel", "system"]


class DataResourceFilterSet(GovFilterSet):
    provider = django_filters.ModelChoiceFilter(label=_("Provider"), queryset=Unit.objects.all())
    within = within("provider__path")
    kind = django_filters.ChoiceFilter(label=_("Catalog kind"), choices=c.CatalogKind.choices)
    classification = django_filters.CharFilter(label=_("Classification"), method="filter_classification")
    sharing_type = django_filters.ChoiceFilter(label=_("Sharing type"), choices=c.SharingType.choices)
    open_attribute = django_filters.ChoiceFilter(label=_("Open attribute"), choices=c.OpenAttribute.choices)
    update_cycle = django_filters.ChoiceFilter(label=_("Update cycle"), choices=c.UpdateCycle.choices)
    system = record_filter(System, _("Holding system"), "system")
    data_class = django_filters.ChoiceFilter(label=_("Data classification"), choices=c.DataClass.choices)
    search_fields = ("name", "code", "abstract")

    class Meta:
        model = DataResource
        fields = [
            "q",
            "provider",
            "within",
            "kind",
            "classification",
            "sharing_type",
            "open_attribute",
            "update_cycle",
            "system",
            "data_class",
        ]

    def filter_classification(self, queryset, name, value):
        """A classification prefix (类, 类项, 类项目 or the full code with 细目), matched on the indexed parts."""
        value = value.strip()
        if not value.isdigit():
            return queryset.none()
        parts = {"class_code": value[:1], "item_code": value[1:3], "category_code": value[3:6]}
        lookup = {key: part for key, part in parts.items() if part}
        if len(value) > 6:
            lookup["detail_code"] = value[6:]
        return queryset.filter(**lookup)


class LinkFilterSet(GovFilterSet):
    from_system = record_filter(System, _("From system"), "from_system")
    to_system = record_filter(System, _("To system"), "to_system")
    method = django_filters.ChoiceFilter(label=_("Method"), choices=c.LinkMethod.choices)
    frequency = django_filters.ChoiceFilter(label=_("Frequency"), choices=c.LinkFrequency.choices)
    within = within("from_system__owner_unit__path")
    search_fields = ("from_system__name", "to_system__name", "description")

    class Meta:
        model = Link
        fields = ["q", "from_system", "to_system", "method", "frequency", "within"]
