from rest_framework.routers import DefaultRouter

from accounts.api import UserViewSet
from core.api.views import AuditRecordViewSet, RoleAssignmentViewSet, UnitViewSet
from inventory import api as inventory_api
from security import api as security_api

app_name = "api"

router = DefaultRouter()
router.register("org/units", UnitViewSet, basename="unit")
router.register("org/users", UserViewSet, basename="user")
router.register("security/assignments", RoleAssignmentViewSet, basename="roleassignment")
router.register("audit/records", AuditRecordViewSet, basename="auditrecord")

inventory_api.register(router)
security_api.register(router)

urlpatterns = security_api.urlpatterns + router.urls
