from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import GovModel

from .. import choices as c


def user_fk(label, related_name="+"):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=label,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name=related_name,
    )


class Finding(GovModel):
    """A security problem to rectify (问题与整改): from an assessment, a crypto assessment, an inspection, an incident
    or a scanner export. The deadline follows from the severity (SecurityPolicy); the rectification is verified by
    someone other than the person who fixed it; overdue findings escalate to the CIO."""

    system = models.ForeignKey(
        "inventory.System", verbose_name=_("information system"), on_delete=models.CASCADE, related_name="findings"
    )
    source = models.CharField(_("source"), max_length=16, choices=c.FindingSource.choices)
    assessment = models.ForeignKey(
        "security.Assessment",
        verbose_name=_("MLPS assessment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="findings",
    )
    crypto_assessment = models.ForeignKey(
        "security.CryptoAssessment",
        verbose_name=_("crypto assessment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="findings",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    severity = models.CharField(_("severity"), max_length=16, choices=c.Severity.choices)
    asset = models.CharField(_("asset (host, address or component)"), max_length=200, blank=True)
    reference = models.CharField(_("reference (CVE, rule or clause)"), max_length=100, blank=True)
    external_id = models.CharField(_("scanner's identifier"), max_length=100, blank=True)
    # What a scanner's export says of where and when (security.scanner): the host, port and protocol apart, every
    # CVE of the row kept whole, the day of the latest scan that still found it, and the key a later scan of the
    # same scanner matches it by (the scanner's id, host, port, protocol and, where one plugin reports several, the
    # CVE) — a digest, so that a key of long parts fits an index.
    scanner = models.CharField(_("scanner"), max_length=16, choices=c.ScannerFormat.choices, blank=True)
    host = models.CharField(_("host"), max_length=255, blank=True)
    port = models.CharField(_("port"), max_length=32, blank=True)
    protocol = models.CharField(_("protocol"), max_length=16, blank=True)
    cves = models.TextField(_("CVEs"), blank=True)
    last_seen = models.DateField(_("last seen by a scan"), null=True, blank=True, editable=False)
    scan_key = models.CharField(_("scan key"), max_length=64, blank=True, editable=False)
    found_on = models.DateField(_("found on"))
    owner = user_fk(_("owner"), "security_findings")
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    deadline_provisional = models.BooleanField(_("deadline provisional"), default=False, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=c.FindingStatus.choices, default=c.FindingStatus.OPEN, editable=False
    )
    rectification = models.TextField(_("rectification"), blank=True, editable=False)
    fixed_by = user_fk(_("rectified by"))
    fixed_at = models.DateTimeField(_("rectified at"), null=True, blank=True, editable=False)
    verification_note = models.TextField(_("verification note"), blank=True, editable=False)
    verified_by = user_fk(_("verified by"))
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(_("escalated to the CIO"), null=True, blank=True, editable=False)

    scope_path = "system__owner_unit__path"

    class Meta:
        ordering = ["-found_on", "-pk"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        indexes = [
            models.Index(fields=["status", "deadline"], name="sec_finding_due"),
            models.Index(fields=["system", "status", "severity"], name="sec_finding_system"),
            models.Index(fields=["system", "external_id"], name="sec_finding_external"),
            models.Index(fields=["system", "scan_key"], name="sec_finding_scan_key"),
            # The list's default order: its first page is read off the index, not sorted from every finding.
            models.Index(fields=["-found_on", "id"], name="sec_finding_found"),
            # The same for the open ones, the list the department liaisons work from ("open", "overdue").
            models.Index(fields=["-found_on", "id"], condition=models.Q(status="open"), name="sec_finding_open_found"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("security:finding", args=[self.pk])


class ScannerMapping(GovModel):
    """A saved column mapping for a scanner's export: which column holds the title, severity, host… and how the
    scanner's severity words map to ours. Kept per unit and reused for the next import."""

    unit = models.ForeignKey("core.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    columns = models.JSONField(_("columns"), default=dict)
    severities = models.JSONField(_("severity words"), default=dict)

    scope_path = "unit__path"

    class Meta:
        ordering = ["name"]
        verbose_name = _("scanner column mapping")
        verbose_name_plural = _("scanner column mappings")
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="sec_scanner_mapping_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("security:scannermapping", args=[self.pk])
