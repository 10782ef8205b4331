from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.middleware import FOCUS_SESSION_KEY


@require_POST
@login_required
def set_focus(request):
    """The unit switcher: work inside one of the units where the user holds roles (or all of them). The choice stays
    in the session; ``core.middleware.UnitFocusMiddleware`` narrows the gate to it on every request."""
    unit_id = request.POST.get("unit", "")
    if unit_id:
        assignment = request.user.assignments.select_related("unit").filter(unit_id=unit_id).first()
        if assignment is None:
            raise Http404
        request.session[FOCUS_SESSION_KEY] = assignment.unit.path
    else:
        request.session.pop(FOCUS_SESSION_KEY, None)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("core:home")
    return HttpResponseRedirect(target)
