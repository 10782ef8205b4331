"""Security and compliance pages, one module per concern (each gathers its sub-modules' patterns)."""

from security.views import assessments, dashboard, findings, fusion, grading, policy, risks

app_name = "security"

urlpatterns = (
    grading.urlpatterns
    + assessments.urlpatterns
    + findings.urlpatterns
    + risks.urlpatterns
    + fusion.urlpatterns
    + dashboard.urlpatterns
    + policy.urlpatterns
)
