"""Tables of assessments and crypto assessments; the export of a list uses the same columns."""

from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from core.tables import BadgeColumn, Column, DueColumn, NowrapColumn, Table

from .. import choices as c
from .. import crypto
from ..models import CryptoAssessment
from ..services.assessments import shall_met

CONCLUSION_COLORS = {c.Conclusion.PASS: "green", c.Conclusion.BASIC: "yellow", c.Conclusion.FAIL: "red"}
ITEM_STATUS_COLORS = {
    c.ItemStatus.COMPLIANT: "green",
    c.ItemStatus.PARTIAL: "yellow",
    c.ItemStatus.NONCOMPLIANT: "red",
    c.ItemStatus.NOT_APPLICABLE: "secondary",
    c.ItemStatus.NOT_ASSESSED: "",  # no colour: nothing known
}
# The standard's own words, shown in the checklist cells: 应 shall, 宜 should, 可 may.
REQUIREMENT_MARKS = {c.Requirement.SHALL: "应", c.Requirement.SHOULD: "宜", c.Requirement.MAY: "可"}


def shall_text(obj) -> str:
    met, asked = shall_met(obj.items.all())
    return f"{met}/{asked}" if asked else "—"


class AssessmentTable(Table):
    default_sort = "-assessed_on"
    columns = [
        Column("assessment", _("Assessment"), accessor=str, link=True),
        NowrapColumn("system_code", _("System code"), accessor="system.code", sort="system__code"),
        Column("department", _("Department"), accessor="system.owner_unit.name", sort="system__owner_unit__path"),
        Column("kind", _("Kind"), sort="kind"),
        Column("level", _("Level"), sort="level"),
        Column("institution", _("Institution"), sort="institution"),
        NowrapColumn("assessed_on", _("Date"), sort="assessed_on"),
        Column("score", _("Score"), sort="score"),
        BadgeColumn("conclusion", _("Conclusion"), CONCLUSION_COLORS, sort="conclusion"),
    ]


class CryptoAssessmentTable(Table):
    default_sort = "-assessed_on"
    columns = [
        Column("assessment", _("Crypto assessment"), accessor=str, link=True),
        NowrapColumn("system_code", _("System code"), accessor="system.code", sort="system__code"),
        Column("department", _("Department"), accessor="system.owner_unit.name", sort="system__owner_unit__path"),
        Column("kind", _("Kind"), sort="kind"),
        Column("level", _("Crypto level"), sort="level"),
        Column("institution", _("Institution"), sort="institution"),
        NowrapColumn("assessed_on", _("Date"), sort="assessed_on"),
        Column("score", _("Score"), sort="score"),
        BadgeColumn("conclusion", _("Conclusion"), CONCLUSION_COLORS, sort="conclusion"),
        Column("shall", _("Shall items met"), accessor=shall_text),
        DueColumn("next_due", _("Next assessment due"), sort="next_due"),
    ]


# The crypto compliance page and the system panel ----------------------------------------------------------------


def item_cells(level, results) -> list[dict]:
    """A cell per item a–h: 应/宜/可 at ``level`` (or as asked at the time), coloured by the item's status."""
    by_item = {r.item: r for r in results}
    cells = []
    for code in crypto.ITEMS:
        result = by_item.get(code)
        requirement = crypto.requirement(level, code) if level in crypto.LEVELS else getattr(result, "requirement", "")
        cells.append(
            {
                "code": code,
                "text": crypto.ITEMS[code],
                "algorithms": crypto.ALGORITHMS[code],
                "mark": REQUIREMENT_MARKS.get(requirement, "—"),
                "requirement": requirement,
                "status": result.status if result else "",
                "label": result.get_status_display() if result else gettext_now("Never assessed"),
                "color": ITEM_STATUS_COLORS.get(result.status, "") if result else "",
                "note": result.note if result else "",
            }
        )
    return cells


def crypto_rows(systems, today) -> list[dict]:
    """One row per system: crypto level, latest assessment, the a–h cells, shall items met, next due and flags.
    Two queries for any number of systems (the latest assessments with their items)."""
    systems = list(systems)
    latest = (
        CryptoAssessment.objects.filter(pk__in=[s.latest_crypto for s in systems if s.latest_crypto])
        .prefetch_related("items")
        .in_bulk()
    )
    rows = []
    for system in systems:
        assessment = latest.get(system.latest_crypto)
        level = crypto.crypto_level(system.mlps) or (assessment.level if assessment else None)
        results = list(assessment.items.all()) if assessment else []
        met, asked = shall_met(results, level) if assessment else (0, 0)
        due = assessment.next_due if assessment else None
        rows.append(
            {
                "system": system,
                "mlps": system.mlps,
                "level": level,
                "latest": assessment,
                "cells": item_cells(level, results),
                "met": met,
                "asked": asked,
                "next_due": due,
                "overdue": bool(due and due < today),
                "never_assessed": assessment is None and (level or 0) >= 3,
            }
        )
    return rows
