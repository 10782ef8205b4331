"""Seed the holiday calendar from the chinese-calendar package (the State Council's notices, 2004–2026).

Runs after every migrate, like the roles, but only into an empty calendar: once the system administrator keeps the
calendar, the package never overwrites it."""

NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def seed_calendar() -> int:
    import chinese_calendar

    from core.models import CalendarDay, CalendarYear

    if CalendarYear.objects.exists():
        return 0
    days = [
        CalendarDay(date=day, kind="holiday", name=NAMES.get(name, name))
        for day, name in sorted(chinese_calendar.holidays.items())
    ]
    days += [
        CalendarDay(date=day, kind="workday", name=f"{NAMES.get(name, name)}调休" if name else "调休")
        for day, name in sorted(chinese_calendar.workdays.items())
    ]
    CalendarDay.objects.bulk_create(days, batch_size=500, ignore_conflicts=True)
    years = sorted({day.date.year for day in days})
    CalendarYear.objects.bulk_create([CalendarYear(year=y, source="chinese-calendar 1.11.0") for y in years])
    return len(days)


def seed_after_migrate(sender, **kwargs):
    seed_calendar()
