import contextlib

from django.shortcuts import render
from django.views import View

from core import audit, audit_key
from core.filtersets import AuditRecordFilterSet
from core.models import AuditRecord
from core.tables import AuditRecordTable
from core.views.generic import GateMixin, ObjectListView


class AuditListView(ObjectListView):
    model = AuditRecord
    table = AuditRecordTable
    filterset = AuditRecordFilterSet
    template_name = "core/audit_list.html"
    paginate_by = 100

    def url(self, suffix, *args):
        from django.urls import reverse

        return reverse(f"core:audit_{suffix}", args=args)

    def extra_context(self):
        from core import gate

        return {"can_verify": gate.has_perm(self.request.user, AuditRecord, "verify")}


class AuditVerifyView(GateMixin, View):
    model = AuditRecord

    def post(self, request):
        self.require("verify")
        result = audit.verify()
        # Without its key nothing can be added to the chain; the result on the page says why.
        with contextlib.suppress(audit_key.AuditKeyError):
            audit.record_security(
                action="event",
                actor=request.user,
                event="audit.verified",
                outcome="success" if result.ok else "failure",
                checked=result.checked,
                bad_seq=result.bad_seq,
                reason=result.reason,
            )
        return render(request, "core/audit_verify.html", {"result": result})
