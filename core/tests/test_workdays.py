"""The working-day rules of DOMAIN.md: the official holidays, swapped working days, and provisional deadlines for
years whose notice is not loaded."""

import datetime as dt

import pytest

from core import workdays
from core.models import CalendarDay, CalendarYear

D = dt.date


@pytest.fixture
def calendar(db):
    return workdays


def test_seeded_from_the_package(calendar):
    assert CalendarYear.objects.filter(year__range=(2004, 2026)).count() == 23
    assert CalendarDay.objects.get(date=D(2026, 10, 1)).name == "国庆节"


@pytest.mark.parametrize("day", [D(2026, 10, d) for d in range(1, 8)])
def test_national_day_2026_is_off(calendar, day):
    assert not calendar.is_working_day(day)


def test_swapped_working_days_2026(calendar):
    assert D(2026, 9, 20).weekday() == 6 and calendar.is_working_day(D(2026, 9, 20))
    assert D(2026, 10, 10).weekday() == 5 and calendar.is_working_day(D(2026, 10, 10))
    assert not calendar.is_working_day(D(2026, 10, 11))  # an ordinary Sunday
    assert calendar.is_working_day(D(2026, 10, 8))


def test_ten_working_days_across_national_day(calendar):
    # From Friday 25 September 2026: 28, 29, 30 Sept, then 8, 9, 10 (Saturday, swapped), 12, 13, 14, 15 Oct.
    deadline = calendar.add_working_days(D(2026, 9, 25), 10)
    assert deadline == workdays.Deadline(D(2026, 10, 15), False)


def test_ten_working_days_plain_weeks(calendar):
    assert calendar.add_working_days(D(2026, 11, 2), 10).date == D(2026, 11, 16)


def test_deadline_reaching_an_unloaded_year_is_provisional_and_does_not_crash(calendar):
    deadline = calendar.add_working_days(D(2026, 12, 24), 10)
    # 25, 28, 29, 30, 31 Dec (2026 loaded), then 2027 by weekends only: 1, 4, 5, 6, 7 Jan
    assert deadline == workdays.Deadline(D(2027, 1, 7), True)


def test_loading_the_year_makes_it_final_and_runs_its_rules(calendar):
    from core import rules
    from core.models import CalendarYear

    seen = []

    def rule(changes, *, actor):
        seen.extend(change.after("loaded") for change in changes if "loaded" in change)

    rules.register(CalendarYear, rule)
    try:
        CalendarDay.objects.create(date=D(2027, 1, 1), kind="holiday", name="元旦")
        workdays.mark_year_loaded(2027, source="国办发明电〔2026〕7号")
    finally:
        rules.unregister(CalendarYear, rule)
    assert seen == [2027]
    deadline = calendar.add_working_days(D(2026, 12, 24), 10)
    assert deadline == workdays.Deadline(D(2027, 1, 8), False)


def test_zero_days_and_negative(calendar):
    assert calendar.add_working_days(D(2026, 10, 3), 0).date == D(2026, 10, 3)
    with pytest.raises(ValueError):
        calendar.add_working_days(D(2026, 10, 3), -1)


def test_calendar_days_and_months():
    assert workdays.add_calendar_days(D(2026, 12, 20), 30) == workdays.Deadline(D(2027, 1, 19), False)
    assert workdays.add_months(D(2026, 8, 31), 6) == D(2027, 2, 28)
    assert workdays.add_months(D(2026, 1, 15), 12) == D(2027, 1, 15)
