"""Request bodies bounded before they reach the disk.

Django writes an uploaded file larger than FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file as it arrives, and a view
only sees its size once all of it is there. So each route has an upload policy (the most one file may hold and how
many files one request may carry): import pages ``GOVCIO_IMPORT_MAX_BYTES`` and one file, every other route
``GOVCIO_UPLOAD_MAX_BYTES`` and ``GOVCIO_UPLOAD_MAX_FILES``. ``UploadLimitMiddleware`` refuses a body whose
Content-Length is past what the policy allows without reading it, and parses a multipart POST itself, before the
CSRF check would, with ``LimitedUploadHandler`` first among the upload handlers: a file past the limit stops the
upload where it passes it, and the part already written is deleted. The answer is a page, or JSON for the API,
naming the limit (413).

A view says it takes imports with ``upload_policy = IMPORT``.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework.exceptions import APIException

from core.io.sniff import megabytes

IMPORT = "import"
ATTACHMENT = "attachment"
BODY_METHODS = ("POST", "PUT", "PATCH")


@dataclass(frozen=True, slots=True)
class Policy:
    file_bytes: int
    files: int

    @property
    def body_bytes(self) -> int:
        """The longest multipart body: the files, and the other fields with the multipart framing."""
        return self.file_bytes * self.files + settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def policy(kind: str = ATTACHMENT) -> Policy:
    if kind == IMPORT:
        return Policy(settings.GOVCIO_IMPORT_MAX_BYTES, 1)
    return Policy(settings.GOVCIO_UPLOAD_MAX_BYTES, settings.GOVCIO_UPLOAD_MAX_FILES)


def policy_for(view_func) -> Policy:
    view = getattr(view_func, "view_class", None) or getattr(view_func, "cls", None)  # Django views, DRF views
    return policy(getattr(view, "upload_policy", ATTACHMENT))


class UploadTooLarge(APIException):
    status_code = 413
    default_code = "too_large"


def too_large_body(limit: int) -> UploadTooLarge:
    return UploadTooLarge(
        _("The upload is larger than {limit} MB, the most this page accepts.").format(limit=megabytes(limit))
    )


class LimitedUploadHandler(FileUploadHandler):
    """Counts each file's bytes and the files as they stream in, and stops the upload past the request's policy."""

    def __init__(self, request=None):
        super().__init__(request)
        self.policy = getattr(request, "upload_policy", None) or policy()
        self.files = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.files += 1
        if self.files > self.policy.files:
            limit = self.policy.files
            self.refuse(
                ngettext(
                    "At most {limit} file may be uploaded at once.",
                    "At most {limit} files may be uploaded at once.",
                    limit,
                ).format(limit=limit)
            )

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.policy.file_bytes:
            message = _("“{name}” is larger than {limit} MB, the most this page accepts.")
            self.refuse(message.format(name=self.file_name, limit=megabytes(self.policy.file_bytes)))
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler builds the file

    def refuse(self, message: str):
        # The handlers after this one may hold part of the file; a temporary file is deleted when closed.
        for handler in getattr(self.request, "upload_handlers", ()):
            part = getattr(handler, "file", None)
            if part is not None and handler is not self:
                part.close()
        raise UploadTooLarge(message)


class UploadLimitMiddleware:
    """Placed before the CSRF middleware, whose check would otherwise be the first to read the body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in BODY_METHODS:
            return None
        request.upload_policy = policy_for(view_func)
        multipart = request.content_type == "multipart/form-data"
        limit = request.upload_policy.body_bytes if multipart else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        try:
            if length > limit:
                raise too_large_body(limit)
            if multipart and request.method == "POST":
                request.POST  # noqa: B018 - parsed here, under the limits
        except UploadTooLarge as exc:
            if multipart:
                request._mark_post_parse_error()  # nothing may parse the rest of the body again
            return refusal(request, view_func, str(exc.detail))
        return None


def refusal(request, view_func, message: str):
    if getattr(view_func, "cls", None) is not None or request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=413)
    return render(request, "errors/413.html", {"status_code": 413, "message": message}, status=413)
