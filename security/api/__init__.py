"""The security API: the same gate, services and audit as the pages. Each module registers its viewsets."""

from django.urls import path

from . import assessments, findings, grading, risks

MODULES = [grading, assessments, risks, findings]


def register(router) -> None:
    for module in MODULES:
        module.register(router)


urlpatterns = [
    path("security/grading/calculate/", grading.calculate, name="grading-calculate"),
]
