from django.urls import include, path

from troubleshoot.views import health, home

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("", include("troubleshoot.accounts.urls")),
    # Troubleshooting pages, namespaced "troubleshoot:" (urls_sessions also carries the
    # tree routes: one include, because a namespace must be registered once).
    path("", include("troubleshoot.urls_sessions", namespace="troubleshoot")),
]
