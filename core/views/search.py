from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render

from core import search


@login_required
def search_page(request):
    q = request.GET.get("q", "").strip()[:100]
    groups = search.search(request.user, q) if q else []
    return render(request, "core/search.html", {"q": q, "groups": groups})


@login_required
def autocomplete(request, app_label, model_name):
    """Scoped autocomplete for one model: ``?q=`` → ``[{"id", "text"}]``; unknown or unpermitted models → 404."""
    from django.apps import apps
    from django.http import Http404

    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        raise Http404 from None
    from core import gate

    if not gate.has_perm(request.user, model, "view"):
        raise Http404
    q = request.GET.get("q", "").strip()[:50]
    results = search.autocomplete(request.user, model, q) if q else []
    return JsonResponse({"results": [{"id": pk, "text": title} for pk, title in results]})
