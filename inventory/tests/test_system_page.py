"""A hub's system page: its links come from a fixed number of queries, at most LINKS_SHOWN each way, escaped, with
the rest one click away in the list of links (benchmark: a city hub has 530 links)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import panels, testing
from inventory.models import Link, System
from inventory.views import records


@pytest.fixture
def hub(db, monkeypatch):
    monkeypatch.setattr(panels, "TABS", {})  # other modules' tabs bring their own queries
    tree = testing.build_tree()
    hub = System.objects.create(name="示例县数据共享交换平台", code="HUB", owner_unit=tree.dept_a)
    return tree, hub


def link(hub, other, outgoing=True):
    pair = (hub, other) if outgoing else (other, hub)
    return Link.objects.create(from_system=pair[0], to_system=pair[1], method="api")


def page(client, user, hub):
    client.force_login(user)
    testing.recount()  # links made here through the ORM are not audited: count them each time
    with CaptureQueriesContext(connection) as queries:
        body = client.get(hub.get_absolute_url()).content.decode()
    return body, len(queries)


def test_links_cost_the_same_queries_however_many(client, hub):
    tree, hub = hub
    cio = testing.make_user("cio_hub", "cio", tree.county_a)
    for i in range(3):
        link(hub, System.objects.create(name=f"系统<{i}>", code=f"S{i}", owner_unit=tree.dept_a), outgoing=i % 2 == 0)
    body, few = page(client, cio, hub)
    assert "系统&lt;0&gt;" in body and "系统<0>" not in body  # names are escaped
    for i in range(3, 30):
        link(hub, System.objects.create(name=f"系统{i}", code=f"S{i}", owner_unit=tree.sub_a), outgoing=i % 2 == 0)
    _body, many = page(client, cio, hub)
    assert many == few


def test_a_hub_shows_the_first_links_and_the_way_to_all(client, hub, monkeypatch):
    tree, hub = hub
    monkeypatch.setattr(records, "LINKS_SHOWN", 5)
    cio = testing.make_user("cio_hub2", "cio", tree.county_a)
    inside = [System.objects.create(name=f"内部系统{i}", code=f"IN{i}", owner_unit=tree.dept_a) for i in range(7)]
    outside = System.objects.create(name="外县系统", code="OUT", owner_unit=tree.dept_b)
    for system in inside:
        link(hub, system, outgoing=False)
    link(hub, outside)
    body, _queries = page(client, cio, hub)
    assert body.count('class="list-group-item"><div class="row') == 5 + 1
    assert f"{reverse('inventory:link_list')}?to_system={hub.pk}" in body  # 5 of the 7 incoming shown
    assert f"?from_system={hub.pk}" not in body  # the one outgoing link is shown
    assert "外县系统" not in body and outside.get_absolute_url() not in body  # out of scope: neither named nor linked
    assert "另一单位的信息系统" in body
