"""The demo inventory: scale, determinism, the catalog rules, links, and the planted zombies and duplicates."""

import datetime
import io
import random
from collections import Counter

import pytest
from django.db import transaction
from django.utils import timezone

from core import demo
from core.demo import tree
from core.models import SearchEntry, Unit
from inventory import choices as c
from inventory.demo import extension
from inventory.models import DataItem, DataResource, Link, ServiceItem, System, validate_resource

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def registered(monkeypatch, settings, tmp_path):
    """The inventory extension is in core.demo.EXTENSIONS (once InventoryConfig.ready registers it, already)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DATA_DIR = tmp_path
    if extension not in demo.EXTENSIONS:
        monkeypatch.setattr(demo, "EXTENSIONS", [*demo.EXTENSIONS, extension])


def plant(scale: str, seed: int, root_number: int = 1) -> list[Unit]:
    """The demo tree of a scale and seed, saved, with its inventory; no staff and no search index (faster)."""
    nodes = tree.plan(scale, random.Random(seed), root_number)
    tree.save(nodes)
    units = [node.unit for node in nodes]
    extension(random.Random(f"inventory:{seed}"), units, None)
    return units


class Rollback(Exception):
    pass


def snapshot(seed: int):
    try:
        with transaction.atomic():
            plant("county", seed)
            systems = list(
                System.objects.order_by("code").values_list(
                    "code", "name", "status", "hosting", "network", "vendor", "build_cost", "mlps_level", "tech_os"
                )
            )
            resources = list(DataResource.objects.order_by("code").values_list("code", "name", "system__code"))
            items = list(DataItem.objects.order_by("resource__code", "position").values_list("name", "data_type"))
            links = sorted(Link.objects.values_list("from_system__code", "to_system__code", "method"))
            services = list(ServiceItem.objects.order_by("code").values_list("code", "name", "unit__code"))
            raise Rollback
    except Rollback:
        pass
    return systems, resources, items, links, services


def check_rules() -> None:
    """What every demo inventory must satisfy, whatever its scale."""
    for resource in DataResource.objects.all():
        assert validate_resource(resource) == {}, resource.code
        if resource.kind == c.CatalogKind.BASIC:
            assert resource.sharing_type == c.SharingType.UNCONDITIONAL
    pairs = list(Link.objects.values_list("from_system_id", "to_system_id"))
    assert all(a != b for a, b in pairs), "a system linked to itself"
    assert len({frozenset(pair) for pair in pairs}) == len(pairs), "a pair of systems linked twice"


def test_county_inventory_matches_the_profile():
    out = io.StringIO()
    counts = demo.generate("county", 1, stdout=out)
    systems = System.objects.count()
    assert counts["systems"] == systems and 420 <= systems <= 600  # DOMAIN.md §2: ~500
    assert counts["data_resources"] == DataResource.objects.count() and 1600 <= counts["data_resources"] <= 2500
    assert counts["data_items"] == DataItem.objects.count() and 16_000 <= counts["data_items"] <= 26_000
    assert counts["links"] == Link.objects.count() and counts["links"] >= 1.2 * systems
    assert ServiceItem.objects.count() >= 150
    check_rules()

    # Each kind of catalog entry, each sharing type, a realistic mix of status, hosting and network.
    assert set(DataResource.objects.values_list("kind", flat=True)) == set(c.CatalogKind.values)
    assert set(DataResource.objects.values_list("sharing_type", flat=True)) == set(c.SharingType.values)
    status = Counter(System.objects.values_list("status", flat=True))
    assert status["running"] > 0.7 * systems and status["building"] and status["retired"]
    assert Counter(System.objects.values_list("network", flat=True))["egov_extranet"] > 0.4 * systems
    assert System.objects.filter(network=c.Network.PRIVATE, owner_unit__code__endswith="-GAJ").exists()
    assert System.objects.filter(tech_os_domestic=True).exists() and System.objects.filter(tech_os="CentOS 7").exists()
    assert set(System.objects.exclude(mlps_level=None).values_list("mlps_level", flat=True)) >= {2, 3}
    assert System.objects.filter(url__startswith="https://", url__contains=".beiyuan.example.gov.cn/").exists()

    # The hubs: the exchange platform reaches a large share of the county's systems.
    exchange = System.objects.get(name__endswith="数据共享交换平台")
    degree = Link.objects.filter(to_system=exchange).count() + Link.objects.filter(from_system=exchange).count()
    assert degree > 0.25 * systems

    # Zombies (国办发〔2017〕39号): 2–4 % running but long inactive; duplicates: one system built twice.
    year_ago = timezone.localdate() - datetime.timedelta(days=365)
    zombies = System.objects.filter(status=c.SystemStatus.RUNNING, last_active_date__lt=year_ago).count()
    assert 0.015 * systems <= zombies <= 0.05 * systems
    repeated = Counter(name for name, _ in set(System.objects.values_list("name", "owner_unit")))
    assert repeated["北源县视频会议系统"] == 2

    # The search index covers the new models (core.demo rebuilds it after the transaction).
    for label, model in (("inventory.system", System), ("inventory.dataresource", DataResource)):
        assert SearchEntry.objects.filter(object_type=label).count() == model.objects.count()
    assert "extension" in out.getvalue()


def test_same_seed_same_inventory_other_seed_other_inventory():
    first, again, other = snapshot(3), snapshot(3), snapshot(4)
    assert first == again
    assert [row[1] for row in first[0]] != [row[1] for row in other[0]]
    assert System.objects.count() == 0  # rolled back


def test_a_second_tree_continues_the_sequence_numbers():
    plant("county", 5)
    before = set(DataResource.objects.values_list("code", flat=True))
    plant("county", 6, root_number=2)
    after = DataResource.objects.exclude(code__in=before)
    assert after.count() > 1000
    assert DataResource.objects.filter(code="101001/000002").exists()  # 人口基础信息 of the second county
    check_rules()


def test_city_scale_duplicates_across_counties_and_cascades_up():
    units = plant("city", 1)
    systems = System.objects.count()
    assert 5000 <= systems <= 7500  # DOMAIN.md §2: ~6k
    assert 20_000 <= DataResource.objects.count() <= 30_000
    check_rules()

    # The same system built in each county: the names differ only by the government's name.
    counties = [unit for unit in units if unit.kind == "county"]
    built = sum(System.objects.filter(name=county.name + "不动产登记系统").exists() for county in counties)
    assert built == len(counties) == 10

    # County platforms link up to the city's; departments report up their vertical line (条).
    city = units[0]
    city_exchange = System.objects.get(name=city.name + "数据共享交换平台")
    assert Link.objects.filter(to_system=city_exchange, from_system__name__endswith="数据共享交换平台").count() == 10
    up = Link.objects.filter(description="业务数据逐级上报")
    assert up.count() > 100
    assert up.filter(to_system__owner_unit__code__startswith=city.code + "-").count() == up.count()
