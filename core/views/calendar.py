"""The holiday calendar pages: the system administrator keeps each year's holidays and swapped working days."""

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core import workdays
from core.filtersets import GovFilterSet, IntegerFilter
from core.forms import GovModelForm
from core.io import Column, Schema, parsers
from core.models import CalendarDay, CalendarYear, DayKind
from core.tables import Column as TableColumn
from core.tables import Table
from core.views.generic import GateMixin, ObjectDeleteView, ObjectEditView, ObjectListView
from core.views.imports import BulkImportView


class CalendarDayForm(GovModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}


class CalendarDayFilterSet(GovFilterSet):
    year = IntegerFilter(label=gettext_lazy("Year"), field_name="date__year", min_value=1, max_value=9999)
    kind = django_filters.ChoiceFilter(label=gettext_lazy("Kind"), choices=DayKind.choices)
    search_fields = ("name",)

    class Meta:
        model = CalendarDay
        fields = ["year", "kind", "q"]


class CalendarDayTable(Table):
    default_sort = "date"
    columns = [
        TableColumn("date", gettext_lazy("Date"), sort="date", link=True),
        TableColumn("weekday", gettext_lazy("Weekday"), accessor=lambda d: WEEKDAYS[d.date.weekday()]),
        TableColumn("kind", gettext_lazy("Kind"), sort="kind"),
        TableColumn("name", gettext_lazy("Name")),
    ]


calendar_schema = Schema(
    CalendarDay,
    [
        Column("date", gettext_lazy("Date"), parser=parsers.date(), required=True, unique=True, example="2027-01-01"),
        Column(
            "kind",
            gettext_lazy("Kind"),
            parser=parsers.choice(DayKind.choices),
            required=True,
            example="节假日（休息）",
        ),
        Column("name", gettext_lazy("Name"), parser=parsers.text(50), example="元旦"),
    ],
)


class CalendarDayListView(ObjectListView):
    model = CalendarDay
    table = CalendarDayTable
    filterset = CalendarDayFilterSet
    template_name = "core/calendarday_list.html"
    paginate_by = 100

    def extra_context(self):
        loaded = list(CalendarYear.objects.values_list("year", "source").order_by("-year"))
        counts = dict(
            CalendarDay.objects.values_list("date__year")
            .annotate(n=Count("id", filter=Q(kind=DayKind.HOLIDAY)))
            .values_list("date__year", "n")
        )
        from django.utils import timezone

        this_year = timezone.localdate().year
        missing = [year for year in (this_year, this_year + 1) if year not in {y for y, _s in loaded}]
        return {"years": [(year, source, counts.get(year, 0)) for year, source in loaded[:8]], "missing_years": missing}


class CalendarDayEditView(ObjectEditView):
    model = CalendarDay
    form = CalendarDayForm


class CalendarDayDeleteView(ObjectDeleteView):
    model = CalendarDay


class CalendarDayImportView(BulkImportView):
    model = CalendarDay
    schema = calendar_schema


class CalendarYearLoadView(GateMixin, View):
    """Mark a year's notice as entered: its deadlines stop being provisional and are recomputed."""

    model = CalendarYear

    def post(self, request):
        self.require("add")
        try:
            year = int(request.POST.get("year", ""))
            if not 2000 <= year <= 2100:
                raise ValueError
        except ValueError:
            messages.error(request, _("Enter a year such as 2027."))
            return HttpResponseRedirect(self.url_list())
        if not CalendarDay.objects.filter(date__year=year).exists():
            messages.error(request, _("Enter or import the holidays of {year} first.").format(year=year))
            return HttpResponseRedirect(self.url_list())
        try:
            workdays.mark_year_loaded(year, source=request.POST.get("source", "")[:200], actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The calendar of {year} is now in force.").format(year=year))
        return HttpResponseRedirect(self.url_list())

    def url_list(self):
        from django.urls import reverse

        return reverse("core:calendarday_list")
