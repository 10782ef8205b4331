from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render

from accounts.models import User
from core import gate
from core.choices import UnitKind
from core.models import AuditRecord, Unit

# Modules add cards to the home page by appending callables: card(request) -> dict | None.
HOME_CARDS: list = []


@login_required
def home(request):
    user = request.user
    units = Unit.objects.restrict(user, "view")
    by_kind = dict(units.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    kinds = [{"label": label, "count": by_kind.get(code, 0)} for code, label in UnitKind.choices]
    context = {
        "kinds": kinds,
        "unit_total": sum(by_kind.values()),
        "people_total": User.objects.restrict(user, "view").count() if gate.has_perm(user, User, "view") else None,
        "recent": (
            AuditRecord.objects.restrict(user, "view").order_by("-seq")[:8]
            if gate.has_perm(user, AuditRecord, "view")
            else None
        ),
        "cards": [card for card in (make(request) for make in HOME_CARDS) if card],
        "assignments": user.assignments.select_related("role", "unit"),
    }
    return render(request, "core/home.html", context)
