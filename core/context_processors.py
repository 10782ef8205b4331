from django.utils.functional import SimpleLazyObject

from core.middleware import FOCUS_SESSION_KEY
from core.navigation import menu_for
from core.notify import unread_count


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    units = {a.unit_id: a.unit for a in user.assignments.select_related("unit")}
    focus = request.session.get(FOCUS_SESSION_KEY, "")
    return {
        "nav_menu": menu_for(request),
        "focus_units": sorted(units.values(), key=lambda u: u.path) if len(units) > 1 else [],
        "unread_notifications": SimpleLazyObject(lambda: unread_count(user)),
        "focus_unit": next((u for u in units.values() if u.path == focus), None),
    }
