"""Choices of security and compliance: stable English codes, translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HarmObject(models.TextChoices):
    """受侵害的客体 (GB/T 22240-2020)."""

    CITIZEN = "citizen", _("Citizens, legal persons and other organisations")
    SOCIETY = "society", _("Social order and public interest")
    NATION = "nation", _("National security")


class HarmDegree(models.TextChoices):
    """对客体的侵害程度 (GB/T 22240-2020)."""

    GENERAL = "general", _("General harm")
    SERIOUS = "serious", _("Serious harm")
    ESPECIALLY_SERIOUS = "especially_serious", _("Especially serious harm")


class Level(models.IntegerChoices):
    L1 = 1, _("Level 1")
    L2 = 2, _("Level 2")
    L3 = 3, _("Level 3")
    L4 = 4, _("Level 4")
    L5 = 5, _("Level 5")


class GradingState(models.TextChoices):
    """定级 → 专家评审 → 主管部门核准 → 公安机关备案; a rejected filing goes back to grading."""

    DRAFT = "draft", _("Draft grading")
    EXPERT_REVIEW = "expert_review", _("Expert review")
    APPROVAL = "approval", _("Supervising department approval")
    FILED = "filed", _("Filed")
    REJECTED = "rejected", _("Rejected")


class Opinion(models.TextChoices):
    AGREE = "agree", _("Agree")
    AGREE_WITH_CHANGES = "agree_with_changes", _("Agree with changes")
    DISAGREE = "disagree", _("Disagree")


class DeadlineKind(models.TextChoices):
    CALENDAR = "calendar", _("Calendar days")
    WORKING = "working", _("Working days")


class AssessmentKind(models.TextChoices):
    ASSESSMENT = "assessment", _("Assessment (测评)")
    SELF_INSPECTION = "self_inspection", _("Self-inspection (自查)")


class Conclusion(models.TextChoices):
    PASS = "pass", _("Conforms")
    BASIC = "basic", _("Basically conforms")
    FAIL = "fail", _("Does not conform")


class CryptoAssessmentKind(models.TextChoices):
    BEFORE_GO_LIVE = "before_go_live", _("Before going live")
    PERIODIC = "periodic", _("Periodic")


class Requirement(models.TextChoices):
    """GB/T 39786-2021 wording: 应 shall, 宜 should, 可 may; none when the level asks nothing."""

    SHALL = "shall", _("Shall (应)")
    SHOULD = "should", _("Should (宜)")
    MAY = "may", _("May (可)")
    NONE = "none", _("Not required")


class ItemStatus(models.TextChoices):
    COMPLIANT = "compliant", _("Compliant")
    PARTIAL = "partial", _("Partly compliant")
    NONCOMPLIANT = "noncompliant", _("Non-compliant")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")
    NOT_ASSESSED = "not_assessed", _("Not assessed")


class FindingSource(models.TextChoices):
    ASSESSMENT = "assessment", _("MLPS assessment")
    CRYPTO = "crypto", _("Crypto assessment")
    INSPECTION = "inspection", _("Inspection")
    INCIDENT = "incident", _("Incident")
    SCANNER = "scanner", _("Vulnerability scanner")


class ScannerFormat(models.TextChoices):
    """The exports the scanner import reads (security.scanner): recognised from their header, or mapped by hand."""

    OPENVAS = "openvas", _("OpenVAS / GVM (CSV)")
    NESSUS = "nessus", _("Nessus / Tenable (CSV or .nessus)")
    CSV = "csv", _("Other scanner (CSV or .xlsx, mapped)")


class Severity(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class FindingStatus(models.TextChoices):
    """open → fixed (rectified, with evidence) → verified by someone else; a failed verification reopens."""

    OPEN = "open", _("Open")
    FIXED = "fixed", _("Rectified, awaiting verification")
    VERIFIED = "verified", _("Verified and closed")


class Treatment(models.TextChoices):
    REDUCE = "reduce", _("Reduce")
    AVOID = "avoid", _("Avoid")
    TRANSFER = "transfer", _("Transfer")
    ACCEPT = "accept", _("Accept")


class RiskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    TREATING = "treating", _("Being treated")
    CLOSED = "closed", _("Closed")


class Likelihood(models.IntegerChoices):
    """The likelihood axis of the 5 × 5 risk matrix."""

    RARE = 1, _("1 · Rare")
    UNLIKELY = 2, _("2 · Unlikely")
    POSSIBLE = 3, _("3 · Possible")
    LIKELY = 4, _("4 · Likely")
    ALMOST_CERTAIN = 5, _("5 · Almost certain")


class Impact(models.IntegerChoices):
    """The impact axis of the 5 × 5 risk matrix."""

    NEGLIGIBLE = 1, _("1 · Negligible")
    MINOR = 2, _("2 · Minor")
    MODERATE = 3, _("3 · Moderate")
    MAJOR = 4, _("4 · Major")
    SEVERE = 5, _("5 · Severe")


class RiskRating(models.TextChoices):
    """The bands of likelihood × impact (security.models.risks.rating): 1–4, 5–9, 10–16, 20–25."""

    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    EXTREME = "extreme", _("Extreme")
