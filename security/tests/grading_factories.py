"""Systems and gradings for the grading tests, with fictional Chinese names, made through the services."""

import datetime as dt
import itertools

from core.services import object_create
from inventory.models import System
from security.choices import HarmDegree, HarmObject, Opinion
from security.models import ExpertOpinion, Grading
from security.services import grading as services

_n = itertools.count(1)
NAMES = [
    "城乡居民医保结算系统",
    "不动产登记系统",
    "预算管理一体化系统",
    "12345政务服务热线工单系统",
    "电子证照共享平台",
]

# (business object, business degree, service object, service degree) giving each level.
FOR_LEVEL = {
    1: (HarmObject.CITIZEN, HarmDegree.GENERAL, HarmObject.CITIZEN, HarmDegree.GENERAL),
    2: (HarmObject.CITIZEN, HarmDegree.SERIOUS, HarmObject.CITIZEN, HarmDegree.GENERAL),
    3: (HarmObject.SOCIETY, HarmDegree.SERIOUS, HarmObject.CITIZEN, HarmDegree.SERIOUS),
    4: (HarmObject.SOCIETY, HarmDegree.ESPECIALLY_SERIOUS, HarmObject.SOCIETY, HarmDegree.SERIOUS),
    5: (HarmObject.NATION, HarmDegree.ESPECIALLY_SERIOUS, HarmObject.SOCIETY, HarmDegree.GENERAL),
}


def new_system(unit, **fields) -> System:
    n = next(_n)
    values = {
        "name": f"{unit.name}{NAMES[n % len(NAMES)]}（{n:03d}）",
        "code": f"DJ-{n:05d}",
        "owner_unit": unit,
        "responsible_person": "王建国",
        "purpose": "支撑本部门日常业务办理",
        "user_scope": "public",
        "user_count": 3200,
        "hosting": "gov_cloud",
        "network": "egov_extranet",
        "data_class": "important",
        "go_live_date": dt.date(2020, 6, 30),
    }
    values.update(fields)
    return object_create(obj=System(**values), actor=None)


def new_grading(unit=None, *, system=None, level: int = 3, actor=None, **fields) -> Grading:
    system = system or new_system(unit)
    bo, bd, so, sd = FOR_LEVEL[level]
    grading = Grading(
        system=system,
        business_object=bo,
        business_degree=bd,
        service_object=so,
        service_degree=sd,
        rationale=fields.pop("rationale", "系统存储全县参保人员信息，遭破坏将严重影响社会秩序。"),
        **fields,
    )
    return services.grading_save(actor=actor, grading=grading)


def opinion(conclusion=Opinion.AGREE, name="陈教授") -> ExpertOpinion:
    return ExpertOpinion(
        expert_name=name,
        expert_title="浙江省网络安全等级保护专家委员会",
        conclusion=conclusion,
        opinion="定级对象边界清晰，定级理由充分。",
        given_on=dt.date(2026, 3, 10),
    )


def filed_grading(unit=None, *, level: int = 3, graded_on=dt.date(2026, 3, 2), filed_on=dt.date(2026, 3, 20), **kw):
    """A grading walked through the whole workflow by the console (actor None)."""
    grading = new_grading(unit, level=level, **kw)
    services.grading_submit(actor=None, grading=grading, today=graded_on)
    if level >= 2:
        services.opinion_add(actor=None, grading=grading, opinion=opinion())
        services.grading_close_review(actor=None, grading=grading)
    services.grading_approve(actor=None, grading=grading, approved_by_name="甲县委网信办", approved_on=graded_on)
    if level >= 2:
        services.grading_file(
            actor=None, grading=grading, filing_number="33012213001-26001", certificate_date=filed_on, filed_on=filed_on
        )
    grading.refresh_from_db()
    return grading
