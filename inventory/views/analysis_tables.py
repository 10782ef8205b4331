"""The overview's long lists rendered in Python.

At city scale the department table has ~700 rows; the template engine took about 250 ms for them, which alone broke
the page's 300 ms budget. ``format_html`` does the same escaping in a few milliseconds. The page's layout stays in
the templates; only the repeated rows are built here.
"""

from decimal import Decimal

from django.urls import reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

DASH = "—"


def number(value) -> str:
    return DASH if value is None else f"{value:,}"


def percent(value) -> str:
    return DASH if value is None else f"{value}%"


def money(value: Decimal) -> str:
    return f"{value:,.2f}"


def score_class(score) -> str:
    if score is None:
        return "text-secondary"
    return "text-danger" if score < 60 else "text-warning" if score < 80 else "text-success"


ROW = (
    '<tr><td><a href="?{base}unit={pk}" title="{title}">{name}</a></td><td class="text-end">{systems}</td>'
    '<td class="text-end">{running}</td><td class="text-end">{cloud}</td><td class="text-end">{domestic}</td>'
    '<td class="text-end">{om}</td><td class="text-end">{zombies}</td>'
    '<td class="text-end"><span class="{tone}">{quality}</span></td></tr>'
)


def department_rows(rows, base: str) -> SafeString:
    """``<tr>`` per department; the name focuses the overview on that unit (``base`` keeps other parameters).

    Only the text fields need escaping; numbers are formatted by Python, so one ``escape`` per row suffices."""
    base, title = escape(base), escape(_("Focus on this unit"))
    return SafeString(
        "\n".join(
            ROW.format(
                base=base,
                pk=int(row.unit_id),
                title=title,
                name=escape(row.name),
                systems=number(row.systems),
                running=number(row.running),
                cloud=percent(row.cloud_share),
                domestic=percent(row.domestic_share),
                om=money(row.om_cost),
                zombies=f'<span class="badge bg-orange-lt">{row.zombies}</span>' if row.zombies else "0",
                tone=score_class(row.quality),
                quality=DASH if row.quality is None else row.quality,
            )
            for row in rows
        )
    )


def quality_units(units) -> SafeString:
    """One list item per unit with its score, the failing checks and a button loading the records (htmx)."""
    button = _("Show records")
    items = []
    for unit in units:
        badges = format_html_join(
            "",
            '<span class="badge bg-secondary-lt me-1 mb-1">{} · {}/{}</span>',
            ((gap.check.label, gap.failing, gap.applicable) for gap in unit.missing),
        )
        score = unit.score
        tone = "bg-red-lt" if score is not None and score < 60 else "bg-yellow-lt" if score and score < 80 else ""
        items.append(
            format_html(
                '<div class="list-group-item"><div class="d-flex align-items-start gap-3">'
                '<span class="badge minw-3-5rem {}">{}</span>'
                '<div class="flex-fill"><div class="fw-bold">{}</div><div class="mt-1">{}</div></div>'
                '<button type="button" class="btn btn-sm" hx-get="{}" hx-target="#quality-records-{}">{}</button>'
                '</div><div id="quality-records-{}"></div></div>',
                tone or "bg-green-lt",
                DASH if score is None else score,
                unit.name,
                badges,
                reverse("inventory:quality_records", args=[unit.unit_id]),
                unit.unit_id,
                button,
                unit.unit_id,
            )
        )
    return SafeString("\n".join(items))
