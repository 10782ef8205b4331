"""The official holiday calendar (国务院办公厅 annual notice): the exceptions to "Monday to Friday are working
days". Seeded from the chinese-calendar package (2004–2026); the system administrator adds later years from each
autumn's notice. See core/workdays.py."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .base import GovModel


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday (day off)")
    WORKDAY = "workday", _("Swapped working day (调休)")


class CalendarDay(GovModel):
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=50, blank=True, help_text=_("For example 国庆节."))

    scope_path = None  # reference data for everyone: not scoped to units

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("holiday calendar")

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name or self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("core:calendarday_edit", args=[self.pk])


class CalendarYear(GovModel):
    """A year whose holidays and swapped working days are loaded. Deadlines that reach a year without a row count
    weekends only and are marked provisional."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    scope_path = None

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self) -> str:
        return str(self.year)

    def get_absolute_url(self) -> str:
        return reverse("core:calendarday_list") + f"?year={self.year}"
