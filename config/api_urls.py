"""The REST API: /api/v1/ (each domain's endpoints live beside its services), the
OpenAPI schema at /api/schema/ and its browsable page at /api/docs/ (Swagger UI
served from the drf-spectacular-sidecar package: no CDN)."""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from troubleshoot.accounts.api.views import MeView

v1 = [
    path("me/", MeView.as_view(), name="me"),
    path("", include("troubleshoot.trees.api.urls")),
    path("", include("troubleshoot.sessions.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("handoffs.api.urls")),
]

urlpatterns = [
    path("api/v1/", include((v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        # Swagger UI's page carries one inline <style> block; its script is a separate
        # file (the split view), so scripts stay 'self' only, here as everywhere.
        csp_update({"style-src": [SELF, UNSAFE_INLINE]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
]
