from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Attachment(models.Model):
    """An uploaded file kept for a record (an assessment report, rectification evidence, a filing certificate).

    The file belongs to its owner record (``owner_label`` + ``owner_id``): whoever may view the owner may download
    it, through the one gate (core.files). Its SM3 digest is kept so that a changed file on disk is detected."""

    owner_label = models.CharField(_("owner type"), max_length=64)
    owner_id = models.CharField(_("owner"), max_length=40)
    kind = models.CharField(_("kind"), max_length=32, blank=True)
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/", max_length=255)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sm3 = models.CharField(_("SM3 digest"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["owner_label", "owner_id"], name="core_attachment_owner")]

    def __str__(self) -> str:
        return self.name
