"""The workflow steps of a grading, one POST view each (services.grading has the rules). A user who may not take
the step, or cannot see the grading, gets 404 (audited); a step refused by the rules comes back as a message."""

from django.urls import path
from django.utils.translation import gettext_lazy

from core.views import generic

from ..forms.grading import (
    ExpertOpinionForm,
    GradingApproveForm,
    GradingFileForm,
    GradingRegradeForm,
    GradingRejectForm,
    GradingStepForm,
)
from ..models import Grading
from ..services import grading as services


def version_of(form) -> int | None:
    return form.cleaned_data.get("version") if form.is_valid() else None


class GradingStepView(generic.WorkflowStepView):
    """A step of the grading workflow (core.views.generic.WorkflowStepView)."""

    model = Grading
    queryset = Grading.objects.select_related("system__owner_unit")
    form_class = GradingStepForm


class GradingSubmitView(GradingStepView):
    action = "change"
    done = gettext_lazy("Submitted. Level 2 and above go to expert review; level 1 goes to approval.")

    def perform(self, grading, form):
        services.grading_submit(actor=self.request.user, grading=grading, expected_version=version_of(form))


class GradingOpinionView(GradingStepView):
    """An expert's opinion (action "review" on the grading, or add on expert opinions); the expert is the user."""

    form_class = ExpertOpinionForm
    done = gettext_lazy("Opinion recorded.")

    def allowed(self, grading) -> bool:
        return services.may_give_opinion(self.request.user, grading)

    def build_form(self):
        return ExpertOpinionForm(data=self.request.POST, user=self.request.user)

    def perform(self, grading, form):
        services.opinion_add(actor=self.request.user, grading=grading, opinion=form.save(commit=False))


class GradingCloseReviewView(GradingStepView):
    action = "change"
    done = gettext_lazy("Expert review closed; the grading awaits the supervising department's approval.")

    def perform(self, grading, form):
        services.grading_close_review(actor=self.request.user, grading=grading, expected_version=version_of(form))


class GradingApproveView(GradingStepView):
    action = "approve"
    form_class = GradingApproveForm
    done = gettext_lazy("Approval recorded.")

    def perform(self, grading, form):
        data = form.cleaned_data
        services.grading_approve(
            actor=self.request.user,
            grading=grading,
            approved_by_name=data["approved_by_name"],
            approved_on=data["approved_on"],
            expected_version=data.get("version"),
        )


class GradingFileView(GradingStepView):
    action = "file"
    form_class = GradingFileForm
    done = gettext_lazy("Filing recorded. The level is now shown on the system.")

    def perform(self, grading, form):
        data = form.cleaned_data
        services.grading_file(
            actor=self.request.user,
            grading=grading,
            filing_number=data["filing_number"],
            certificate_date=data["certificate_date"],
            filed_on=data["filed_on"],
            certificate=data.get("certificate"),
            expected_version=data.get("version"),
        )


class GradingRejectView(GradingStepView):
    action = "file"
    form_class = GradingRejectForm
    done = gettext_lazy("Rejection recorded. Revise the grading and submit it again.")

    def perform(self, grading, form):
        data = form.cleaned_data
        services.grading_reject(
            actor=self.request.user, grading=grading, reason=data["reason"], expected_version=data.get("version")
        )


class GradingReviseView(GradingStepView):
    action = "change"
    done = gettext_lazy("The grading is a draft again.")

    def perform(self, grading, form):
        services.grading_revise(actor=self.request.user, grading=grading, expected_version=version_of(form))


class GradingRegradeView(GradingStepView):
    action = "change"
    form_class = GradingRegradeForm
    done = gettext_lazy("Reopened for regrading. The filed level stays in force until the new grading is filed.")

    def perform(self, grading, form):
        data = form.cleaned_data
        services.grading_regrade(
            actor=self.request.user, grading=grading, reason=data["reason"], expected_version=data.get("version")
        )


STEPS = {
    "submit": GradingSubmitView,
    "opinion": GradingOpinionView,
    "close-review": GradingCloseReviewView,
    "approve": GradingApproveView,
    "file": GradingFileView,
    "reject": GradingRejectView,
    "revise": GradingReviseView,
    "regrade": GradingRegradeView,
}

urlpatterns = [
    path(f"gradings/<int:pk>/{name}/", view.as_view(), name=f"grading_{name.replace('-', '_')}")
    for name, view in STEPS.items()
]
