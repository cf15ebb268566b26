from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("config.api_urls")),
    # handoffs first: its /sessions/<id>/handoff/ and /pickup/ sit beside troubleshoot's
    # /sessions/ pages.
    path("", include("handoffs.urls")),
    path("", include("troubleshoot.urls")),
    path("", include("notifications.urls")),
]
