"""Uploaded files: checked on the way in, served only through the permission gate.

A file is accepted when its size is within ``GOVCIO_UPLOAD_MAX_BYTES`` and its first bytes match the kind its name
claims (PDF, Office documents, images, text): a renamed executable is refused whatever its name. The SM3 digest is
kept (GB/T 22239-2019: integrity of key business data) and checked again when the file is served. Whoever may view
the owner record may download its files; nobody else learns that they exist (404).
"""

import hashlib
import mimetypes
import zipfile
from pathlib import Path, PurePath

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from core import audit, gate
from core.choices import AuditAction, AuditCategory, Outcome
from core.crypto import sm3_hex
from core.models import Attachment

ZIP = (b"PK\x03\x04",)
OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
# suffix → (content type, accepted magic prefixes; None = text, checked as UTF-8/GBK without control bytes)
KINDS = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ZIP),
    ".doc": ("application/msword", OLE),
    ".xls": ("application/vnd.ms-excel", OLE),
    ".wps": ("application/vnd.ms-works", OLE),
    ".ofd": ("application/ofd", ZIP),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".txt": ("text/plain", None),
    ".csv": ("text/csv", None),
}
OFFICE_ZIP_PARTS = {".docx": "word/", ".xlsx": "xl/", ".pptx": "ppt/", ".ofd": "OFD.xml"}


def max_bytes() -> int:
    return getattr(settings, "GOVCIO_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)


def accepted_suffixes() -> str:
    return ", ".join(sorted(KINDS))


def check_upload(upload) -> str:
    """The content type of ``upload`` after checking its size and bytes; a ValidationError in the user's words."""
    name = upload.name or ""
    suffix = PurePath(name).suffix.lower()
    if suffix not in KINDS:
        raise ValidationError(
            _("“{name}” is not an accepted file type. Accepted: {types}.").format(name=name, types=accepted_suffixes())
        )
    if upload.size > max_bytes():
        raise ValidationError(
            _("“{name}” is {size} MB; files may be at most {limit} MB.").format(
                name=name, size=round(upload.size / 1048576, 1), limit=max_bytes() // 1048576
            )
        )
    if upload.size == 0:
        raise ValidationError(_("“{name}” is empty.").format(name=name))
    content_type, magics = KINDS[suffix]
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if magics is None:
        if b"\x00" in head or not _decodes(head):
            raise ValidationError(_("“{name}” is not a text file.").format(name=name))
    elif not head.startswith(magics):
        raise ValidationError(_("“{name}” is not really a {suffix} file.").format(name=name, suffix=suffix))
    elif suffix in OFFICE_ZIP_PARTS:
        _check_zip(upload, name, suffix)
    return content_type


def _decodes(head: bytes) -> bool:
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4:  # a character cut at the end of the sample
                return True
    return False


def _check_zip(upload, name: str, suffix: str) -> None:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        names = []
    finally:
        upload.seek(0)
    if not any(n.startswith(OFFICE_ZIP_PARTS[suffix]) for n in names):
        raise ValidationError(_("“{name}” is not really a {suffix} file.").format(name=name, suffix=suffix))


def digest(fileobj) -> str:
    fileobj.seek(0)
    if "sm3" in hashlib.algorithms_available:
        h = hashlib.new("sm3")
        for chunk in iter(lambda: fileobj.read(1024 * 1024), b""):
            h.update(chunk)
        fileobj.seek(0)
        return h.hexdigest()
    data = fileobj.read()
    fileobj.seek(0)
    return sm3_hex(data)


def attach(upload, *, owner, actor, kind: str = "") -> Attachment:
    """Store ``upload`` for ``owner`` after the checks; the caller has already checked that ``actor`` may change
    the owner. Audited with the owner's unit."""
    content_type = check_upload(upload)
    attachment = Attachment(
        owner_label=owner._meta.label_lower,
        owner_id=str(owner.pk),
        kind=kind,
        name=PurePath(upload.name).name[:200],
        content_type=content_type,
        size=upload.size,
        sm3=digest(upload),
        uploaded_by=actor,
    )
    attachment.file.save(attachment.name, upload, save=True)
    audit.append(
        audit.Entry(
            action=AuditAction.CREATE,
            actor=actor,
            object_type="core.attachment",
            object_id=str(attachment.pk),
            object_repr=attachment.name,
            unit_path=gate.object_path(owner),
            event="file.upload",
            changes={"owner": f"{attachment.owner_label}:{attachment.owner_id}", "sm3": attachment.sm3},
        )
    )
    return attachment


def private_dir(path: Path) -> Path:
    """``path`` as a folder only the owner may enter (0700), made with any missing parents the same way. The mode is
    set explicitly rather than left to the umask (govcio/settings/datadir.py)."""
    missing, folder = [], path
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            continue  # made meanwhile by another request
        folder.chmod(0o700)
    return path


def attachments_of(owner, kind: str | None = None):
    rows = Attachment.objects.filter(owner_label=owner._meta.label_lower, owner_id=str(owner.pk))
    return rows.filter(kind=kind) if kind is not None else rows


def owner_of(attachment: Attachment):
    model = apps.get_model(attachment.owner_label)
    return model, attachment.owner_id


def serve(request, pk: int):
    """Download an attachment if the user may view its owner record; 404 otherwise, and 404 if the file on disk
    no longer matches its SM3 digest (the change is audited)."""
    attachment = Attachment.objects.filter(pk=pk).first()
    if attachment is None:
        raise Http404
    model, owner_id = owner_of(attachment)
    if (
        not hasattr(model.objects, "restrict")
        or not model.objects.restrict(request.user, "view").filter(pk=owner_id).exists()
    ):
        raise Http404
    handle = attachment.file.open("rb")
    if digest(handle) != attachment.sm3:
        handle.close()
        audit.append(
            audit.Entry(
                action=AuditAction.DENIED,
                category=AuditCategory.SECURITY,
                outcome=Outcome.FAILURE,
                actor=request.user,
                object_type="core.attachment",
                object_id=str(attachment.pk),
                event="file.tampered",
                changes={"sm3": attachment.sm3},
            )
        )
        raise Http404
    guessed = mimetypes.guess_type(attachment.name)[0] or attachment.content_type
    response = FileResponse(handle, as_attachment=True, filename=attachment.name, content_type=guessed)
    response["X-Content-Type-Options"] = "nosniff"
    return response
