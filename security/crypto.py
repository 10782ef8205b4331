"""Crypto application requirements for the application-and-data layer (GB/T 39786-2021, 密评), DOMAIN.md §3.

Levels 1–4 align with the MLPS level. Level 3 and 4 are as DOMAIN.md states them: at level 3, a, d and e are 应
(shall) and the rest 宜 (should); at level 4 every item is 应. Levels 1 and 2 follow the standard's §6.4 and §7.4:
the items asked there are 可 (may) at level 1 and mostly 宜 at level 2; security labels (c) and non-repudiation (h)
are first asked at level 3. The expected algorithms are SM2, SM3 and SM4.
"""

from django.utils.translation import gettext_lazy as _

from .choices import Requirement as R

ITEMS = {
    "a": _("Identity authentication of users with cryptography"),
    "b": _("Integrity of access-control information"),
    "c": _("Integrity of security labels on important information"),
    "d": _("Confidentiality of important data in transit"),
    "e": _("Confidentiality of important data at rest"),
    "f": _("Integrity of important data in transit"),
    "g": _("Integrity of important data at rest"),
    "h": _("Non-repudiation"),
}
ALGORITHMS = {
    "a": "SM2 / SM3",
    "b": "SM3 HMAC / SM2",
    "c": "SM3 HMAC / SM2",
    "d": "SM4",
    "e": "SM4",
    "f": "SM3 HMAC / SM2",
    "g": "SM3 HMAC / SM2",
    "h": "SM2",
}

REQUIREMENTS = {
    1: {"a": R.MAY, "b": R.MAY, "c": R.NONE, "d": R.MAY, "e": R.MAY, "f": R.MAY, "g": R.MAY, "h": R.NONE},
    2: {
        "a": R.SHOULD,
        "b": R.MAY,
        "c": R.NONE,
        "d": R.SHOULD,
        "e": R.SHOULD,
        "f": R.SHOULD,
        "g": R.SHOULD,
        "h": R.NONE,
    },
    3: {
        "a": R.SHALL,
        "b": R.SHOULD,
        "c": R.SHOULD,
        "d": R.SHALL,
        "e": R.SHALL,
        "f": R.SHOULD,
        "g": R.SHOULD,
        "h": R.SHOULD,
    },
    4: dict.fromkeys(ITEMS, R.SHALL),
}
LEVELS = tuple(REQUIREMENTS)


def crypto_level(mlps_level: int | None) -> int | None:
    """The crypto level aligned with an MLPS level (level 5 systems take level 4 requirements and more)."""
    if not mlps_level:
        return None
    return min(mlps_level, 4)


def requirement(level: int, item: str) -> str:
    return REQUIREMENTS[level][item]


def checklist(level: int) -> list[tuple[str, str, str, str]]:
    """(item, description, requirement, algorithms) for every item a–h at ``level``."""
    return [(code, ITEMS[code], REQUIREMENTS[level][code], ALGORITHMS[code]) for code in ITEMS]
