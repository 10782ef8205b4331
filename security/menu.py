"""The security group of the left navigation."""

from django.utils.translation import gettext_lazy as _

from core.navigation import MENU, MenuGroup, MenuItem

GROUP = MenuGroup(
    _("Security and compliance"),
    "ti ti-shield-check",
    [
        MenuItem(_("Security dashboard"), "security:dashboard", "ti ti-chart-bar", "security.grading"),
        MenuItem(_("MLPS grading and filing"), "security:grading_list", "ti ti-certificate", "security.grading"),
        MenuItem(_("Deadlines"), "security:due_list", "ti ti-alarm", "security.grading"),
        MenuItem(_("MLPS assessments"), "security:assessment_list", "ti ti-clipboard-check", "security.assessment"),
        MenuItem(_("Crypto assessments"), "security:cryptoassessment_list", "ti ti-lock", "security.cryptoassessment"),
        MenuItem(_("Crypto compliance"), "security:crypto_status", "ti ti-lock-check", "security.cryptoassessment"),
        MenuItem(_("Findings and rectification"), "security:finding_list", "ti ti-bug", "security.finding"),
        MenuItem(_("Risk register"), "security:risk_list", "ti ti-alert-triangle", "security.risk"),
        MenuItem(_("Fusion risk"), "security:fusion", "ti ti-topology-star-3", "security.grading"),
        MenuItem(_("Security policy"), "security:securitypolicy_list", "ti ti-adjustments", "security.securitypolicy"),
    ],
)

if GROUP not in MENU:
    MENU.insert(1, GROUP)
