"""Records of the inventory made through its services, for any app's tests: systems, resources with their items,
service items and links, and a CSV written with an import schema's headers."""

import datetime as dt
import itertools
from decimal import Decimal

from inventory import choices as c
from inventory.models import DataResource, Link, ServiceItem, System
from inventory.services import dataresource_save, link_save, serviceitem_save

numbers = itertools.count(1)  # codes and names unique across every test that makes records
SYSTEMS = [
    ("预算管理一体化系统", "Java", "达梦 DM8"),
    ("不动产登记系统", "Java", "人大金仓 KingbaseES"),
    ("城乡居民医保结算系统", "C#", "SQL Server"),
    ("12345政务服务热线工单系统", "Java", "MySQL"),
    ("电子证照共享平台", "Go", "达梦 DM8"),
]
ITEMS = ["城乡居民基本医疗保险参保登记", "不动产抵押权登记", "个体工商户设立登记", "最低生活保障待遇申请"]
RESOURCES = ["城乡居民参保信息", "不动产权属信息", "市场主体登记信息", "低保对象名册"]


def new_system(unit, **fields) -> System:
    n = next(numbers)
    name, language, database = SYSTEMS[n % len(SYSTEMS)]
    values = {
        "name": f"{unit.name}{name}（{n:03d}）",
        "code": f"XT-{n:05d}",
        "owner_unit": unit,
        "responsible_person": "李明",
        "purpose": "支撑本部门日常业务办理",
        "status": c.SystemStatus.RUNNING,
        "hosting": c.Hosting.GOV_CLOUD,
        "network": c.Network.EGOV_EXTRANET,
        "tech_language": language,
        "tech_database": database,
        "tech_database_domestic": "达梦" in database or "金仓" in database,
        "tech_os": "麒麟 V10",
        "tech_os_domestic": True,
        "go_live_date": dt.date(2020, 6, 30),
        "last_active_date": dt.date(2026, 3, 1),
        "annual_om_cost": Decimal("18.50"),
        "vendor": "示例信息技术有限公司",
    }
    values.update(fields)
    from core.services import object_create

    return object_create(obj=System(**values), actor=None)


def new_resource(unit, items=(("姓名", "string"), ("身份证号", "string")), **fields) -> DataResource:
    n = next(numbers)
    values = {
        "kind": c.CatalogKind.DEPARTMENTAL,
        "item_code": "01",
        "category_code": "001",
        "code": f"301001/{n:06d}",
        "name": f"{RESOURCES[n % len(RESOURCES)]}（{n:03d}）",
        "provider": unit,
        "abstract": "本部门业务办理形成的基础信息",
        "sharing_type": c.SharingType.CONDITIONAL,
        "sharing_conditions": "仅用于政务服务办理核验，不得转作他用",
        "update_cycle": c.UpdateCycle.DAILY,
    }
    values.update(fields)
    return dataresource_save(actor=None, resource=DataResource(**values), items=list(items))


def new_item(unit, systems=None) -> ServiceItem:
    n = next(numbers)
    item = ServiceItem(name=f"{ITEMS[n % len(ITEMS)]}（{n:03d}）", code=f"{unit.code}-FW-{n:04d}", unit=unit)
    return serviceitem_save(actor=None, item=item, systems=systems if systems is not None else [new_system(unit)])


def new_link(unit, **fields) -> Link:
    link = Link(from_system=new_system(unit), to_system=new_system(unit), method=c.LinkMethod.API, **fields)
    return link_save(actor=None, link=link, resources=[new_resource(unit)])
