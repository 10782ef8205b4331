"""MLPS and crypto deadlines (DOMAIN.md §3; 公通字[2007]43号 arts. 14–15; GB/T 39786-2021).

- Filing (备案): level 2 and above, within 30 days of grading — or of going live, for a new system — or within N
  working days where the locality says so (SecurityPolicy.filing_deadline_kind/days). Working days follow the
  official calendar with its swapped days (core.workdays); a deadline in a year not yet loaded is provisional.
- Assessment (测评): level 3 at least yearly, level 4 at least every six months, level 2 by setting, level 5 by
  special requirement (no computed date). Counted from the last assessment, else from filing, else from grading.
- Self-inspection (自查): level 2 and above yearly (setting), level 4 every six months.
- Crypto assessment (密评): before going live, then at least yearly for important systems (level 3 and above, or
  holding core or important data); others by the same cycle × 2.
"""

import datetime as dt

from core.workdays import Deadline, add_calendar_days, add_months, add_working_days

from .choices import DeadlineKind


def in_days(start: dt.date, days: int, kind: str) -> Deadline:
    if kind == DeadlineKind.WORKING:
        return add_working_days(start, days)
    return add_calendar_days(start, days)


def filing_due(level: int, *, graded_on: dt.date, go_live: dt.date | None, policy) -> Deadline | None:
    """When the filing is due; None for level 1 (no filing)."""
    if level < 2:
        return None
    start = max(graded_on, go_live) if go_live else graded_on
    return in_days(start, policy.filing_deadline_days, policy.filing_deadline_kind)


def assessment_months(level: int, policy) -> int | None:
    return {2: policy.level2_assessment_months, 3: 12, 4: 6}.get(level)


def next_assessment(level: int, *, since: dt.date | None, policy) -> dt.date | None:
    months = assessment_months(level, policy)
    if months is None or since is None:
        return None
    return add_months(since, months)


def self_inspection_months(level: int, policy) -> int | None:
    if level < 2 or level >= 5:
        return None
    return 6 if level == 4 else policy.self_inspection_months


def next_self_inspection(level: int, *, since: dt.date | None, policy) -> dt.date | None:
    months = self_inspection_months(level, policy)
    if months is None or since is None:
        return None
    return add_months(since, months)


def crypto_important(level: int | None, data_class: str) -> bool:
    return (level or 0) >= 3 or data_class in {"core", "important"}


def next_crypto_assessment(*, assessed_on: dt.date, level: int | None, data_class: str, policy) -> dt.date:
    months = policy.crypto_assessment_months
    return add_months(assessed_on, months if crypto_important(level, data_class) else months * 2)


def finding_deadline(severity: str, *, found_on: dt.date, policy) -> Deadline:
    return in_days(found_on, policy.finding_days(severity), policy.finding_deadline_kind)
