"""The user's own notifications (reminders, escalations) and downloads of attached files."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core import files, notify
from core.models import Notification


@login_required
def notification_list(request):
    rows = Notification.objects.filter(recipient=request.user)
    if request.GET.get("unread"):
        rows = rows.filter(read_at__isnull=True)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/notification_list.html",
        {
            "page": page,
            "unread_only": bool(request.GET.get("unread")),
            "querystring": "unread=1" if request.GET.get("unread") else "",
        },
    )


@login_required
def notification_open(request, pk: int):
    """Mark one notification read and go to what it is about."""
    note = Notification.objects.filter(recipient=request.user, pk=pk).first()
    if note is None:
        raise Http404
    notify.mark_read(request.user, [note.pk])
    target = note.url
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("core:notification_list")
    return HttpResponseRedirect(target)


@require_POST
@login_required
def notification_read_all(request):
    notify.mark_read(request.user)
    return HttpResponseRedirect(reverse("core:notification_list"))


@login_required
def attachment(request, pk: int):
    return files.serve(request, pk)
