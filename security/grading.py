"""MLPS 2.0 grading (等级保护定级, GB/T 22240-2020), DOMAIN.md §3.

Harm to business-information security (业务信息安全) and to system-service security (系统服务安全) are graded
separately from the object harmed (受侵害的客体) and the degree of harm (侵害程度); the system's level is the
higher of the two sub-levels.

    object harmed \\ degree                      general   serious   especially serious
    citizens, legal persons, organisations        1         2         2 (setting; the 2018 draft said 3)
    social order, public interest                 2         3         4
    national security                             3         4         5
"""

from dataclasses import dataclass

from .choices import HarmDegree, HarmObject

TABLE = {
    (HarmObject.CITIZEN, HarmDegree.GENERAL): 1,
    (HarmObject.CITIZEN, HarmDegree.SERIOUS): 2,
    (HarmObject.CITIZEN, HarmDegree.ESPECIALLY_SERIOUS): 2,
    (HarmObject.SOCIETY, HarmDegree.GENERAL): 2,
    (HarmObject.SOCIETY, HarmDegree.SERIOUS): 3,
    (HarmObject.SOCIETY, HarmDegree.ESPECIALLY_SERIOUS): 4,
    (HarmObject.NATION, HarmDegree.GENERAL): 3,
    (HarmObject.NATION, HarmDegree.SERIOUS): 4,
    (HarmObject.NATION, HarmDegree.ESPECIALLY_SERIOUS): 5,
}
# The one cell that is a setting: especially serious harm to citizens (2 in the final 2020 text).
SETTING_CELL = (HarmObject.CITIZEN, HarmDegree.ESPECIALLY_SERIOUS)
SETTING_VALUES = (2, 3)


@dataclass(frozen=True)
class Harm:
    object: str
    degree: str


@dataclass(frozen=True)
class Grade:
    business_level: int
    service_level: int

    @property
    def level(self) -> int:
        return max(self.business_level, self.service_level)


def sub_level(harm: Harm, *, citizen_especially_serious: int = 2) -> int:
    """The sub-level for one kind of harm. Raises ValueError for an unknown object or degree."""
    key = (HarmObject(harm.object), HarmDegree(harm.degree))
    if key == SETTING_CELL:
        if citizen_especially_serious not in SETTING_VALUES:
            raise ValueError(f"citizen_especially_serious must be one of {SETTING_VALUES}")
        return citizen_especially_serious
    return TABLE[key]


def grade(business: Harm, service: Harm, *, citizen_especially_serious: int = 2) -> Grade:
    return Grade(
        sub_level(business, citizen_especially_serious=citizen_especially_serious),
        sub_level(service, citizen_especially_serious=citizen_especially_serious),
    )
