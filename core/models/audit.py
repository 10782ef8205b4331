"""The append-only, hash-chained audit log. Writes go through ``core.audit.append`` only."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.choices import AuditAction, AuditCategory, Outcome


class AuditRecordQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        from core.gate import has_perm, scope_q, unit_paths
        from core.tree import STEPLEN

        q = scope_q(user, self.model, action)
        if q is None:
            return self.none()
        if has_perm(user, self.model, "verify"):
            # The audit administrator of a whole tree also reads events tied to no unit (console, unknown users).
            if any(d and len(p) == STEPLEN for p, d in unit_paths(user, self.model, action)):
                q |= Q(unit_path="")
            return self.filter(q)
        # Everyone else reads business events only (a CIO sees those of their subtree).
        return self.filter(q, category=AuditCategory.BUSINESS)


class AuditRecord(models.Model):
    seq = models.BigIntegerField(_("sequence"), primary_key=True)
    ts = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # (actor, seq) below serves it
        related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    ip = models.CharField(_("source IP"), max_length=45, blank=True)
    request_id = models.CharField(_("request id"), max_length=32, blank=True)
    category = models.CharField(_("category"), max_length=16, choices=AuditCategory.choices)
    action = models.CharField(_("action"), max_length=16, choices=AuditAction.choices)
    event = models.CharField(_("event"), max_length=64, blank=True)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    unit_path = models.CharField(_("unit path"), max_length=255, blank=True)
    changes = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    objects = AuditRecordQuerySet.as_manager()
    scope_path = "unit_path"

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        # Plain B-trees: equality and the gate's path ranges. (db_index on a CharField adds a second,
        # varchar_pattern_ops index on PostgreSQL for LIKE, which nothing here uses: one more write per record.)
        indexes = [
            models.Index(fields=["actor", "seq"], name="core_audit_actor_seq"),
            models.Index(fields=["object_type", "seq"], name="core_audit_object_type"),  # latest events of a type
            models.Index(fields=["unit_path"], name="core_audit_unit_path"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not kwargs.pop("_append", False):
            raise PermissionError("audit records are append-only; use core.audit.append")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit records cannot be deleted")


class AuditHead(models.Model):
    """One row: the last sequence number and hash. Locked while appending so that the chain cannot fork.

    The seal (core.audit_key) names the last record from before the audit key, (keyed_after_seq, keyed_after_hash):
    records after it are keyed, and only the key holder can move it."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)
    # After a purge of old records the chain starts after (purged_seq, purged_hash); the purge itself is an event
    # in the chain that names the same anchor, so the head cannot be edited to hide a deletion.
    purged_seq = models.BigIntegerField(default=0)
    purged_hash = models.CharField(max_length=64, default="0" * 64)
    keyed_after_seq = models.BigIntegerField(default=0)
    keyed_after_hash = models.CharField(max_length=64, default="0" * 64)
    seal = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("audit head")
        verbose_name_plural = _("audit head")

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"
