"""Unified social credit codes (GB 32100-2015) and the organisation codes inside them (GB 11714-1997).

A credit code is 18 characters::

    1   registration authority   1 = 机构编制 (establishment office)
    2   organisation category    1 = 机关 (government organ), 2 = 事业单位 (public institution)
    3-8 administrative division  GB/T 2260, 6 digits
    9-17 organisation code       8 body characters + a GB 11714 check character
    18  check character          GB 32100 mod-31 over characters 1-17

Both check characters are computed here; ``is_valid`` verifies a whole code.
"""

import random

# GB 32100 uses the digits and the upper-case letters except I, O, S, V and Z.
CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# Weights 3^(i-1) mod 31: 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28.
CREDIT_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

ORGAN = "11"  # 机构编制 · 机关
INSTITUTION = "12"  # 机构编制 · 事业单位


def _org_value(char: str) -> int:
    if char.isdigit():
        return int(char)
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + 10
    raise ValueError(f"invalid organisation code character: {char!r}")


def org_check(body: str) -> str:
    """The GB 11714 check character of an 8-character organisation code body."""
    if len(body) != 8:
        raise ValueError("an organisation code body has 8 characters")
    check = 11 - sum(_org_value(c) * w for c, w in zip(body, ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def credit_check(first17: str) -> str:
    """The GB 32100 check character of the first 17 characters of a credit code."""
    if len(first17) != 17:
        raise ValueError("the check character covers 17 characters")
    try:
        total = sum(CREDIT_CHARSET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    except ValueError as exc:
        raise ValueError(f"invalid credit code characters: {first17!r}") from exc
    return CREDIT_CHARSET[(31 - total % 31) % 31]


def is_valid(code: str) -> bool:
    """Whether ``code`` is 18 characters with correct organisation-code and credit-code check characters."""
    if len(code) != 18 or any(c not in CREDIT_CHARSET for c in code):
        return False
    try:
        return org_check(code[8:16]) == code[16] and credit_check(code[:17]) == code[17]
    except ValueError:
        return False


def credit_code(prefix: str, division: str, body: str) -> str:
    """Assemble a credit code from its category prefix ("11"/"12"), 6-digit division and 8-character org body."""
    if len(prefix) != 2 or len(division) != 6:
        raise ValueError("prefix has 2 characters and division 6")
    first17 = prefix + division + body + org_check(body)
    return first17 + credit_check(first17)


class CreditCodes:
    """Hands out distinct, valid credit codes from a seeded random generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def next(self, prefix: str, division: str) -> str:
        while True:
            # Organisation codes of organs and institutions are numeric, typically starting with 0 (e.g. 00248207).
            body = f"{self.rng.randrange(10**7):08d}"
            if body not in self.used:
                self.used.add(body)
                return credit_code(prefix, division, body)
