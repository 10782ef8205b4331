"""Derived figures kept in the database (docs/decisions/0012-derived-figures.md): per-unit rollups, the marks of
what changed since they were counted, the write generation that keys shared caches, and the tables of figures a
task computes."""

from django.db import models


class Rollup(models.Model):
    """One unit's own counts (not its subtree's) of one kind, counted on ``day`` (counts by date move at midnight)."""

    unit = models.ForeignKey("core.Unit", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    day = models.DateField()
    data = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "unit"], name="core_rollup_kind_unit")]
        indexes = [models.Index(fields=["day"], name="core_rollup_day")]

    def __str__(self) -> str:
        return f"{self.kind}@{self.unit_id}"


class RollupMark(models.Model):
    """A unit whose records changed since its rollups were counted: written by the audit's append in the
    transaction of the change, removed by the next read that counts the unit again."""

    unit_path = models.CharField(max_length=255)

    def __str__(self) -> str:
        return self.unit_path


def new_epoch() -> str:
    import secrets

    return secrets.token_hex(8)


class Generation(models.Model):
    """How many audited writes have committed (one row): what keys the figures kept in the shared cache. The epoch
    is drawn when the row is made, so a database emptied and filled again never meets its old cached figures."""

    name = models.CharField(max_length=40, primary_key=True)
    epoch = models.CharField(max_length=16, default=new_epoch)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class Computed(models.Model):
    """A figure computed by a background task: when, and whether a newer run has been asked for."""

    name = models.CharField(max_length=60, primary_key=True)
    computed_at = models.DateTimeField(null=True)
    requested_at = models.DateTimeField(null=True)
    data = models.JSONField(null=True)  # what the computation keeps between runs

    def __str__(self) -> str:
        return self.name
