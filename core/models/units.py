from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.choices import GOVERNMENT_KINDS, UnitKind

from .base import GovModel


class Unit(GovModel):
    """A node of the organisation tree: a government, a department or a subordinate unit."""

    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        help_text=_("GB/T 2260 division code for regions (6 digits, townships 9); an assigned code for departments."),
    )
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    line_parent = models.ForeignKey(
        "self",
        verbose_name=_("vertical-line parent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="line_children",
        help_text=_("The same department one level up (条)."),
    )
    path = models.CharField(_("path"), max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), editable=False)

    scope_path = "path"
    hidden_name = _("Another unit")  # a unit the reader may not see (core.names)
    import_names = ("name", "short_name")  # an import's unit column takes these besides the code (core.io)

    class Meta:
        ordering = ["path"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("core:unit", args=[self.pk])

    @property
    def is_government(self) -> bool:
        return self.kind in GOVERNMENT_KINDS
