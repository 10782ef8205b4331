"""The overview's long lists as plain rows for the templates (``analysis_departments.html``,
``analysis_quality.html``): numbers formatted and tones chosen here, the markup in the templates.

A department row carries strings and numbers only and the template reads them from dicts, its cheapest lookup: 100
rows (the page's default) render in a few milliseconds, the whole of a province's ~10,000 in about a second.
"""

from decimal import Decimal

from django.urls import reverse

from inventory.selectors import quality

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


def department_rows(rows) -> list[dict]:
    """One row per department; the name focuses the overview on that unit."""
    return [
        {
            "unit_id": row.unit_id,
            "name": row.name,
            "systems": number(row.systems),
            "running": number(row.running),
            "cloud": percent(row.cloud_share),
            "domestic": percent(row.domestic_share),
            "om": money(row.om_cost),
            "zombies": row.zombies,
            "tone": score_class(row.quality),
            "quality": DASH if row.quality is None else row.quality,
        }
        for row in rows
    ]


def quality_units(units) -> list[dict]:
    """One item per unit: its score and tone, the failing checks, and where its records load from (htmx)."""
    items = []
    for unit in units:
        score = unit.score
        tone = "bg-red-lt" if score is not None and score < 60 else "bg-yellow-lt" if score and score < 80 else ""
        items.append(
            {
                "unit_id": unit.unit_id,
                "name": unit.name,
                "score": DASH if score is None else score,
                "tone": tone or "bg-green-lt",
                "gaps": [(quality.CHECKS[code].label, failing, total) for code, failing, total in unit.missing],
                "records_url": reverse("inventory:quality_records", args=[unit.unit_id]),
            }
        )
    return items
