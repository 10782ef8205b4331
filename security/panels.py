"""The "Security" tab of the inventory's system page (core.panels): grading and filing,
assessments and crypto assessment, findings, and fusion risk, each read through the gate."""

from django.utils.translation import gettext_lazy as _

from security.views import assessments, findings, grading, risks

PANELS = (grading.system_panel, assessments.system_panel, findings.system_panel, risks.system_panel)


def system_tab(user, system) -> dict | None:
    context: dict = grading.system_panel(user, system)
    seen = context["grading_panel"]["grading"] if context["grading_panel"]["can_view"] else assessments.UNREAD
    context.update(assessments.system_panel(user, system, grading=seen))
    for panel in PANELS[2:]:
        context.update(panel(user, system))
    shown = context["grading_panel"]["can_view"] or context["grading_panel"]["add_url"]
    if not (shown or context["assessment_panel"] or context["findings_panel"] or context["risks_panel"]):
        return None
    level = system.mlps_level
    return {
        "id": "security",
        "label": _("Security"),
        "badge": _("Level {level}").format(level=level) if level else "",
        "template": "security/system_tab.html",
        "context": context,
    }
