from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language

from core import figures, gate
from core.choices import UnitKind
from core.models import AuditRecord, Unit

# Modules add cards to the home page by appending callables: card(request) -> dict | None. A card that declares
# ``card.shared = True`` depends only on the user's scope, the day and the language, and is kept in the shared cache
# until the next write (core.figures).
HOME_CARDS: list = []


def card(make, request) -> dict | None:
    if not getattr(make, "shared", False):
        return make(request)
    key = (gate.grants_key(request.user), timezone.localdate(), get_language())
    return figures.cached(f"home:{make.__module__}.{make.__qualname__}", key, lambda: make(request))


@login_required
def home(request):
    user = request.user
    User = get_user_model()
    units = Unit.objects.restrict(user, "view")
    by_kind = dict(units.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    kinds = [{"label": label, "count": by_kind.get(code, 0)} for code, label in UnitKind.choices]
    context = {
        "kinds": kinds,
        "unit_total": sum(by_kind.values()),
        "people_total": figures.count(User.objects.restrict(user, "view"))
        if gate.has_perm(user, User, "view")
        else None,
        "recent": (
            AuditRecord.objects.restrict(user, "view").order_by("-seq")[:8]
            if gate.has_perm(user, AuditRecord, "view")
            else None
        ),
        "cards": [found for found in (card(make, request) for make in HOME_CARDS) if found],
        "assignments": user.assignments.select_related("role", "unit"),
    }
    return render(request, "core/home.html", context)
