"""The security card on the home page: what is overdue and how much is open, from the dashboard's own queries.

Imported once from ``SecurityConfig.ready()``; importing it also validates ``security/data/fusion_weights.yaml``, so a
bad edit stops the server at start-up rather than on the first page that ranks systems.
"""

from django.utils import timezone

from core import gate
from core.views.home import HOME_CARDS

from .fusion import weights
from .models import Grading
from .selectors.dashboard import finding_counts, grading_counts, risk_counts

weights()


def security_card(request) -> dict | None:
    """The dashboard's sums over the user's scope; nothing for users who may not see MLPS gradings."""
    user = request.user
    if not gate.has_perm(user, Grading, "view"):
        return None
    today = timezone.localdate()
    filing, assessment, overdue = grading_counts(user, None, today)
    findings = finding_counts(user, None, today)
    risks = risk_counts(user, None, today)
    return {
        "template": "security/dashboard_home_card.html",
        "graded": filing["total"],
        "filed": filing["filed"],
        "filings_overdue": overdue["filings"],
        "assessments_overdue": overdue["assessments"],
        "findings_open": findings["open"],
        "findings_overdue": findings["overdue"],
        "risks_severe": risks["severe"],
    }


security_card.shared = True  # kept in the shared cache until the next write (core.figures)

if security_card not in HOME_CARDS:
    HOME_CARDS.append(security_card)
