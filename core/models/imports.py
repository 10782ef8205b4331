from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportUpload(models.Model):
    """An uploaded import file kept between its steps (check → preview → commit) in the database, which every app
    server and task worker shares: the step after the upload may be served by any of them (core.staging).

    The file's bytes are bounded as they stream in (``GOVCIO_IMPORT_MAX_BYTES``, core.uploads). It belongs to its
    uploader (``owner``), within the unit scope they held when uploading (``unit_path``); nobody else sees it. A
    background import (core.importjobs) records its state, progress and result here; the bytes are cleared once the
    import is committed or cancelled, and an upload left behind is deleted once ``expires`` has passed."""

    class State(models.TextChoices):
        STAGED = "staged", _("Kept")
        CHECKING = "checking", _("Checking the file")
        INVALID = "invalid", _("The file has problems")
        READY = "ready", _("Ready to import")
        COMMITTING = "committing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    RUNNING = (State.CHECKING, State.COMMITTING)

    token = models.CharField(_("token"), max_length=32, unique=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.CASCADE, related_name="+"
    )
    unit_path = models.CharField(_("unit path"), max_length=255, blank=True)
    kind = models.CharField(_("import page"), max_length=200)
    name = models.CharField(_("file name"), max_length=255)
    data = models.BinaryField(_("file"))
    size = models.PositiveBigIntegerField(_("size"))
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=16, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.STAGED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    message = models.TextField(_("message"), blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    worker = models.CharField(_("worker"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import upload")
        verbose_name_plural = _("import uploads")
        indexes = [models.Index(fields=["state", "updated_at"], name="core_importupload_state")]

    def __str__(self) -> str:
        return self.name

    @property
    def running(self) -> bool:
        return self.state in self.RUNNING
