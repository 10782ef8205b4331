"""The one base model and the one permission gate.

Every domain model subclasses :class:`GovModel` and declares ``scope_path``, the lookup from the model to a unit's
materialised path (``"unit__path"``, ``"system__owner_unit__path"``). Every read goes through
``Model.objects.restrict(user, action)``; nothing in a domain app filters by unit by hand.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view", *, grants_of=None):
        """The rows ``user`` may ``action``. With ``grants_of`` (a model), the rows that sit where the user may
        ``action`` records of that model, by this model's own ``scope_path``: the units where they may add systems,
        the systems they may record findings on. A form offers its choices this way (``GovModelForm.limit_choices``),
        so the choices and the check of a posted key are the gate's own."""
        from core.gate import scope_q

        if grants_of is None:
            q = scope_q(user, self.model, action)
        elif self.model.scope_path is None:
            raise ValueError(f"{self.model.__name__} has no scope path to lay another model's grants on")
        else:
            q = scope_q(user, grants_of, action, path_field=self.model.scope_path)
        if q is None:
            return self.none()
        return self.filter(q)


class GovModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = RestrictedQuerySet.as_manager()

    # Lookup from this model to the materialised path of the unit that scopes it.
    scope_path: str = "unit__path"
    # Fields never written to the audit trail (noise or secrets).
    audit_exclude: tuple[str, ...] = ("created_at", "updated_at", "created_by", "updated_by", "version")

    class Meta:
        abstract = True
