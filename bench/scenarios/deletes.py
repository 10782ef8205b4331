"""Bulk delete of systems through the paths a user takes — the list page's bulk action and the API's bulk delete —
with everything they do (gate, rules, cascade of links and the security records, search entries, one audit record
per row), rolled back afterwards. Target: ≥ 5,000 rows/s (20,000 systems at province scale)."""

from urllib.parse import urlencode

from django.urls import reverse

from bench.harness import result
from bench.scenarios.inventory import _rolled_back

TARGET_ROWS_PER_S = 5_000
PAGE_CHUNK = 900  # the pk fields of one POST stay under DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000)


def bulk_delete(ctx):
    from core.models import AuditRecord
    from inventory.models import System

    rows = 500 if ctx.smoke else {"county": 400, "city": 5_000}.get(ctx.data_scale, 20_000)
    ids = list(System.objects.order_by("pk").values_list("pk", flat=True)[:rows])
    rows = len(ids)
    client = ctx.client()

    def page():
        url = reverse("inventory:system_bulk_delete")
        audited = AuditRecord.objects.count()
        for start in range(0, rows, PAGE_CHUNK):
            body = urlencode({"pk": ids[start : start + PAGE_CHUNK]}, doseq=True)  # as the list's form posts it
            response = client.post(url, body, content_type="application/x-www-form-urlencoded")
            assert response.status_code == 302, response.status_code
        assert not System.objects.filter(pk__in=ids).exists(), "the page deleted nothing"
        assert AuditRecord.objects.count() - audited >= rows, "a deleted row without its audit record"

    def api():
        audited = AuditRecord.objects.count()
        response = client.post(
            reverse("api:system-bulk-delete"), {"ids": ids}, content_type="application/json", HTTP_IF_MATCH="*"
        )
        assert response.status_code == 204, response.content[:500]
        assert not System.objects.filter(pk__in=ids).exists(), "the API deleted nothing"
        assert AuditRecord.objects.count() - audited >= rows, "a deleted row without its audit record"

    plain = _rolled_back(lambda: System.objects.filter(pk__in=ids).delete())  # Django's cascade, unaudited
    return [
        result(
            f"bulk delete {rows} systems ({name})",
            [seconds],
            [plain],
            rows_per_s=round(rows / seconds),
            target_rows_per_s=TARGET_ROWS_PER_S,
        )
        for name, seconds in (("page", _rolled_back(page)), ("API", _rolled_back(api)))
    ]
