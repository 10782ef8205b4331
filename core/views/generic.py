"""Generic views: a model's list, detail, edit, delete, bulk delete, import and export take a few lines each.

Every view reads through ``Model.objects.restrict(user, action)``. A user without the permission, or an object
outside their subtree, gets 404 — the same answer as a missing object, so existence does not leak.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View

from core import audit, figures, gate, names
from core.choices import AuditAction, AuditCategory, Outcome
from core.services import ConflictError, object_create, object_delete, object_update, objects_delete, snapshot


def deny(request, model, *, object_id: str = "", reason: str = "permission") -> Http404:
    """Record the denial in the audit log and answer 404."""
    audit.append(
        audit.Entry(
            action=AuditAction.DENIED,
            category=AuditCategory.SECURITY,
            outcome=Outcome.FAILURE,
            actor=request.user,
            object_type=model._meta.label_lower,
            object_id=str(object_id),
            unit_path=getattr(getattr(request.user, "unit", None), "path", ""),
            changes={"path": request.path, "method": request.method, "reason": reason},
        )
    )
    return Http404()


class GateMixin(LoginRequiredMixin):
    model = None
    queryset = None
    action = "view"

    def get_model(self):
        return self.model or self.queryset.model

    def base_queryset(self):
        return self.queryset if self.queryset is not None else self.get_model().objects.all()

    def restricted(self, action: str | None = None):
        return self.base_queryset().restrict(self.request.user, action or self.action)

    def require(self, action: str | None = None):
        if not gate.has_perm(self.request.user, self.get_model(), action or self.action):
            raise deny(self.request, self.get_model())

    def get_object(self, action: str | None = None):
        pk = self.kwargs["pk"]
        try:
            return self.restricted(action).get(pk=pk)
        except (self.get_model().DoesNotExist, ValueError):
            if self.get_model().objects.filter(pk=pk).exists():
                raise deny(self.request, self.get_model(), object_id=pk, reason="scope") from None
            raise Http404() from None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)

    def url(self, suffix: str, *args) -> str:
        meta = self.get_model()._meta
        return reverse(f"{self.app_namespace()}:{meta.model_name}_{suffix}", args=args)

    def optional_url(self, suffix: str) -> str | None:
        try:
            return self.url(suffix)
        except NoReverseMatch:
            return None

    def app_namespace(self) -> str:
        return self.get_model()._meta.app_label

    def common_context(self) -> dict:
        model = self.get_model()
        user = self.request.user
        return {
            "model": model,
            "verbose_name": model._meta.verbose_name,
            "verbose_name_plural": model._meta.verbose_name_plural,
            "can_add": gate.has_perm(user, model, "add"),
            "can_import": gate.has_perm(user, model, "import"),
            "can_export": gate.has_perm(user, model, "export"),
            "can_change": gate.has_perm(user, model, "change"),
            "can_delete": gate.has_perm(user, model, "delete"),
        }


class CountedPaginator(Paginator):
    """Pages whose total is kept in the shared cache until the next write (``core.figures.count``)."""

    @cached_property
    def count(self) -> int:
        return figures.count(self.object_list)


class ObjectListView(GateMixin, View):
    table = None
    filterset = None
    template_name = "generic/object_list.html"
    paginate_by = 50
    export_filename = None

    def get_queryset(self):
        return self.restricted("view")

    def filtered(self):
        qs = self.get_queryset()
        form = None
        if self.filterset is not None:
            fs = self.filterset(self.request.GET, queryset=qs, request=self.request)
            form = fs.form
            qs = fs.qs if fs.is_valid() else qs.none()
        sort, ordering = self.table.ordering(self.request.GET.get("sort"))
        return qs.order_by(*ordering), form, sort

    def get(self, request, *args, **kwargs):
        self.require("view")
        qs, form, sort = self.filtered()
        # A filter it cannot read (a unit "abc") is the request's mistake: the page with the form's message, as 400.
        status = 400 if form is not None and form.errors else 200
        fmt = request.GET.get("export")
        if fmt in {"csv", "xlsx"} and status == 200:
            return self.export(qs, fmt)
        if fmt == "register" and status == 200 and self.import_schema() is not None:
            return self.export_register(qs)
        page = CountedPaginator(qs, self.paginate_by).get_page(request.GET.get("page"))
        table = self.table(page.object_list, sort=sort, user=request.user)
        params = request.GET.copy()
        params.pop("page", None)
        sort_params = params.copy()
        sort_params.pop("sort", None)
        context = {
            **self.common_context(),
            "table": table,
            "page": page,
            "filter_form": form,
            "querystring": params.urlencode(),
            "sort_querystring": sort_params.urlencode(),
            "filtered": any(k not in {"sort", "page"} and v for k, v in request.GET.items()),
            "list_url": request.path,
            "add_url": self.optional_url("add"),
            "import_url": self.optional_url("import"),
            "register_export": self.import_schema() is not None,
            "bulk_delete_url": self.optional_url("bulk_delete"),
            "bulk_edit_url": self.optional_url("bulk_edit"),
        }
        context.update(self.extra_context())
        return render(request, self.template_name, context, status=status)

    def extra_context(self) -> dict:
        return {}

    def import_schema(self):
        """The schema of the model's import page, if it has one: the columns of the register export."""
        from django.urls import Resolver404, resolve

        url = self.optional_url("import")
        if url is None:
            return None
        try:
            view = getattr(resolve(url).func, "view_class", None)
        except Resolver404:
            return None
        return getattr(view, "schema", None)

    def export_register(self, qs):
        """The list as a file its import accepts as it is (``core.io.register``), audited as any export."""
        from core.io import export_response
        from core.io.register import register_rows

        self.require("export")
        schema = self.import_schema()
        model = self.get_model()
        self.audit_export(qs, "register")
        name = "{}-{}".format(model._meta.verbose_name_plural, _("register"))
        rows = register_rows(schema, qs, self.request.user)
        return export_response("xlsx", name, schema.headers(), rows, sheet=str(model._meta.verbose_name_plural))

    def audit_export(self, qs, fmt):
        audit.append(
            audit.Entry(
                action=AuditAction.EXPORT,
                actor=self.request.user,
                object_type=self.get_model()._meta.label_lower,
                unit_path=getattr(getattr(self.request.user, "unit", None), "path", ""),
                changes={"format": fmt, "query": self.request.GET.urlencode(), "rows": qs.count()},
            )
        )

    def export(self, qs, fmt):
        from core.io import export_response

        self.require("export")
        model = self.get_model()
        rows = qs.count()
        # The table streams the queryset, reading only the columns it shows (see Table.export_rows).
        table = self.table(qs, user=self.request.user)
        audit.append(
            audit.Entry(
                action=AuditAction.EXPORT,
                actor=self.request.user,
                object_type=model._meta.label_lower,
                unit_path=getattr(getattr(self.request.user, "unit", None), "path", ""),
                changes={"format": fmt, "query": self.request.GET.urlencode(), "rows": rows},
            )
        )
        name = self.export_filename or str(model._meta.verbose_name_plural)
        return export_response(fmt, name, table.export_headers(), table.export_rows())


class ObjectView(GateMixin, View):
    template_name = None

    def get(self, request, *args, **kwargs):
        self.require("view")
        obj = self.get_object("view")
        context = {
            **self.common_context(),
            "object": obj,
            "can_change_object": gate.can(request.user, "change", obj),
            "can_delete_object": gate.can(request.user, "delete", obj),
        }
        context.update(self.extra_context(obj))
        return render(request, self.template_name, context)

    def extra_context(self, obj) -> dict:
        return {}


class ObjectEditView(GateMixin, View):
    """Create (no pk) or edit (pk). A stale ``version`` gives a conflict message and overwrites nothing."""

    form = None
    template_name = "generic/object_edit.html"

    def get_form(self, obj, data=None):
        return self.form(data=data, instance=obj, user=self.request.user)

    def new_object(self):
        return self.get_model()()

    def load(self):
        if "pk" in self.kwargs:
            self.require("change")
            return self.get_object("change")
        self.require("add")
        return self.new_object()

    def get(self, request, *args, **kwargs):
        obj = self.load()
        return self.render_form(obj, self.get_form(obj))

    def render_form(self, obj, form, status=200):
        context = {
            **self.common_context(),
            "object": obj,
            "object_title": names.title(self.request.user, obj) if obj.pk else "",
            "form": form,
            "is_new": obj.pk is None,
            "cancel_url": obj.get_absolute_url() if obj.pk else self.url("list"),
        }
        return render(self.request, self.template_name, context, status=status)

    def post(self, request, *args, **kwargs):
        obj = self.load()
        before = snapshot(obj) if obj.pk else None
        form = self.get_form(obj, data=request.POST)
        if form.is_valid():
            try:
                saved = self.save(form, before)
            except ConflictError as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Saved “{name}”.").format(name=names.title(request.user, saved)))
                return HttpResponseRedirect(saved.get_absolute_url())
        return self.render_form(obj, form, status=400)

    def save(self, form, before):
        obj = form.save(commit=False)
        if before is None:
            return object_create(obj=obj, actor=self.request.user)
        return object_update(
            obj=obj, actor=self.request.user, before=before, expected_version=form.cleaned_data.get("version")
        )


def apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class ObjectDeleteView(GateMixin, View):
    template_name = "generic/object_delete.html"

    def get(self, request, *args, **kwargs):
        self.require("delete")
        obj = self.get_object("delete")
        context = {**self.common_context(), "object": obj, "object_title": names.title(request.user, obj)}
        return render(request, self.template_name, context)

    def post(self, request, *args, **kwargs):
        self.require("delete")
        obj = self.get_object("delete")
        try:
            object_delete(obj=obj, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(obj.get_absolute_url())
        messages.success(request, _("Deleted “{name}”.").format(name=names.title(request.user, obj)))
        return HttpResponseRedirect(self.url("list"))


class BulkDeleteView(GateMixin, View):
    """Delete the selected objects within scope, all or nothing."""

    def post(self, request, *args, **kwargs):
        self.require("delete")
        ids = request.POST.getlist("pk")
        objects = list(self.restricted("delete").filter(pk__in=ids))
        if len(objects) != len(set(ids)):
            raise Http404
        try:
            objects_delete(model=self.get_model(), objects=objects, actor=request.user, event="bulk_delete")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Deleted {count} records.").format(count=len(objects)))
        return HttpResponseRedirect(self.url("list"))


def get_restricted_or_404(model, user, action, **lookup):
    return get_object_or_404(model.objects.restrict(user, action), **lookup)


class BulkEditView(GateMixin, View):
    """Set chosen fields on the selected objects, within scope, all or nothing. ``bulk_fields`` lists what may be
    set; values are validated by the model's own form field and by each object's ``full_clean``."""

    form = None
    bulk_fields: list[str] = []
    template_name = "generic/bulk_edit.html"

    def build_form(self, data=None):
        from django.forms import modelform_factory

        form_class = modelform_factory(self.get_model(), form=self.form, fields=self.bulk_fields)
        form = form_class(data=data, user=self.request.user)
        for name in self.bulk_fields:
            form.fields[name].required = False
        form.fields.pop("version", None)
        return form

    def post(self, request, *args, **kwargs):
        self.require("change")
        ids = request.POST.getlist("pk")
        objects = list(self.restricted("change").filter(pk__in=ids))
        if not objects or len(objects) != len(set(ids)):
            raise Http404
        chosen = [name for name in self.bulk_fields if request.POST.get(f"apply_{name}")]
        form = self.build_form(request.POST if "_apply" in request.POST else None)
        if "_apply" in request.POST and chosen and form.is_valid():
            try:
                with transaction.atomic():
                    for obj in objects:
                        before = snapshot(obj)
                        for name in chosen:
                            setattr(obj, name, form.cleaned_data[name])
                        object_update(obj=obj, actor=request.user, before=before, event="bulk_edit")
            except (ValidationError, ConflictError) as exc:
                messages.error(
                    request,
                    _("Nothing was changed: {error}").format(error=" ".join(getattr(exc, "messages", [str(exc)]))),
                )
            else:
                messages.success(request, _("Changed {count} records.").format(count=len(objects)))
                return HttpResponseRedirect(self.url("list"))
        elif "_apply" in request.POST and not chosen:
            form.add_error(None, _("Tick the fields you want to change."))
        return render(
            request,
            self.template_name,
            {**self.common_context(), "form": form, "objects": objects, "list_url": self.url("list")},
        )


class WorkflowStepView(GateMixin, View):
    """A workflow step on one object, POST only: ``action`` is checked on the object with gate.can (404 and an audit
    record otherwise); a form error, or a step the rules refuse (wrong state, a conflict), comes back as a message
    on the object's page. Subclasses set ``model``/``queryset``, ``action``, ``form_class`` and ``done``, and
    implement ``perform(obj, form)`` by calling the service that takes the step."""

    http_method_names = ["post"]
    form_class = None
    done = ""

    def allowed(self, obj) -> bool:
        return gate.can(self.request.user, self.action, obj)

    def build_form(self):
        return self.form_class(data=self.request.POST, files=self.request.FILES)

    def perform(self, obj, form):
        raise NotImplementedError

    def post(self, request, pk):
        obj = self.get_object("view")
        if not self.allowed(obj):
            raise deny(request, self.get_model(), object_id=pk)
        form = self.build_form()
        if not form.is_valid():
            messages.error(request, form_errors(form))
            return HttpResponseRedirect(obj.get_absolute_url())
        try:
            with transaction.atomic():
                self.perform(obj, form)
        except ConflictError as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, str(self.done))
        return HttpResponseRedirect(obj.get_absolute_url())


def form_errors(form) -> str:
    """A form's errors as one message, each after its field's label."""
    return " ".join(
        f"{form.fields[name].label}: {' '.join(errors)}" if name in form.fields else " ".join(errors)
        for name, errors in form.errors.items()
    )
