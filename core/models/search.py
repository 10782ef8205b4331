from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    """One row per searchable object. ``tokens`` is segmented, simplified text joined by spaces."""

    object_type = models.CharField(_("type"), max_length=64)
    object_id = models.BigIntegerField(_("object id"))
    unit_path = models.CharField(_("unit path"), max_length=255)
    title = models.CharField(_("title"), max_length=255)
    url = models.CharField(_("URL"), max_length=255)
    tokens = models.TextField(_("tokens"))

    class Meta:
        ordering = ["object_type", "object_id"]
        unique_together = [("object_type", "object_id")]
        # A plain B-tree for the gate's path ranges (db_index would add an unused LIKE index on PostgreSQL).
        indexes = [models.Index(fields=["unit_path"], name="core_search_unit_path")]
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")

    def __str__(self) -> str:
        return self.title
