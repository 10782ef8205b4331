"""Working days and deadlines on the official Chinese calendar (DOMAIN.md "Working days and the holiday calendar").

Monday to Friday are working days unless the year's notice makes them holidays; some weekend days are worked in
exchange (调休). Each year comes from the State Council's autumn notice, so deadlines computed late in a year often
reach a year nobody has loaded yet: such a deadline counts weekends only, is marked provisional, and is recomputed
when the year is loaded (the rules registered for ``CalendarYear`` with ``core.rules``, called by
``mark_year_loaded`` with the year's load as the change ``{"loaded": [None, year]}``). Nothing here ever raises for a
missing year.
"""

import datetime as dt
from dataclasses import dataclass

from core import rules
from core.models import CalendarDay, CalendarYear, DayKind


@dataclass(frozen=True)
class Deadline:
    date: dt.date
    provisional: bool  # some day counted lies in a year whose calendar is not loaded

    def __str__(self) -> str:
        return self.date.isoformat()


class Calendar:
    """The exceptions for a span of years, loaded in two queries."""

    def __init__(self, first_year: int, last_year: int):
        self.loaded = set(
            CalendarYear.objects.filter(year__range=(first_year, last_year)).values_list("year", flat=True)
        )
        rows = CalendarDay.objects.filter(
            date__range=(dt.date(first_year, 1, 1), dt.date(last_year, 12, 31))
        ).values_list("date", "kind")
        self.exceptions = dict(rows)

    def is_working_day(self, day: dt.date) -> bool:
        kind = self.exceptions.get(day)
        if kind == DayKind.HOLIDAY:
            return False
        if kind == DayKind.WORKDAY:
            return True
        return day.weekday() < 5

    def year_loaded(self, year: int) -> bool:
        return year in self.loaded


def is_working_day(day: dt.date) -> bool:
    return Calendar(day.year, day.year).is_working_day(day)


def add_working_days(start: dt.date, days: int) -> Deadline:
    """The date ``days`` working days after ``start`` (``start`` itself not counted), e.g. "answer within 10
    working days" (《政务数据共享条例》)."""
    if days < 0:
        raise ValueError("days must not be negative")
    # 10 working days never span more than ~3 calendar weeks, even across Spring Festival; load generously.
    horizon = start + dt.timedelta(days=days * 3 + 30)
    calendar = Calendar(start.year, horizon.year)
    day, counted, provisional = start, 0, False
    while counted < days:
        day += dt.timedelta(days=1)
        provisional = provisional or not calendar.year_loaded(day.year)
        if calendar.is_working_day(day):
            counted += 1
    return Deadline(day, provisional)


def add_calendar_days(start: dt.date, days: int) -> Deadline:
    """A deadline in calendar days (e.g. MLPS filing within 30 days): never provisional."""
    return Deadline(start + dt.timedelta(days=days), False)


def add_months(start: dt.date, months: int) -> dt.date:
    """Same day ``months`` later, clamped to the month's end (assessment cycles)."""
    month = start.month - 1 + months
    year, month = start.year + month // 12, month % 12 + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(start.day, last))


def mark_year_loaded(year: int, *, source: str, actor=None) -> None:
    """Record that ``year``'s notice is entered, then run the rules of modules that store working-day deadlines
    (they recompute their provisional ones), in the caller's transaction."""
    from core.services import object_create

    loaded = CalendarYear.objects.filter(year=year).first()
    if loaded is None:
        loaded = object_create(obj=CalendarYear(year=year, source=source), actor=actor, event="calendar.year_loaded")
    rules.run(CalendarYear, [rules.updated(loaded, {"loaded": [None, year]})], actor=actor)
