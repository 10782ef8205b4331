from csp.decorators import csp_update
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

# The API documentation is for signed-in users (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]); a person who is not
# signed in is sent to the login page. Swagger UI's "split" view serves its start-up script as a file, so it runs under
# the site's policy. ReDoc writes its styles as <style> elements and runs its search in a worker made from a blob:
# that page alone allows both.
swagger = login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema"))
redoc = csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["blob:"]})(
    login_required(SpectacularRedocView.as_view(url_name="api-schema"))
)

urlpatterns = [
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("inventory/", include("inventory.urls")),
    path("security/", include("security.urls")),
    path("api/v1/", include("govcio.api_urls", namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/schema/swagger/", swagger, name="api-swagger"),
    path("api/schema/redoc/", redoc, name="api-redoc"),
    path("i18n/setlang/", set_language, name="set_language"),
]

handler400 = "core.views.errors.bad_request"
handler404 = "core.views.errors.page_not_found"
handler500 = "core.views.errors.server_error"
handler403 = "core.views.errors.permission_denied"
