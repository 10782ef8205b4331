from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

urlpatterns = [
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("inventory/", include("inventory.urls")),
    path("security/", include("security.urls")),
    path("api/v1/", include("govcio.api_urls", namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/schema/swagger/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-swagger"),
    path("api/schema/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("i18n/setlang/", set_language, name="set_language"),
]

handler400 = "core.views.errors.bad_request"
handler404 = "core.views.errors.page_not_found"
handler500 = "core.views.errors.server_error"
handler403 = "core.views.errors.permission_denied"
