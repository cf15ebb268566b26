from django.urls import include, path

from troubleshoot.sessions import urls as sessions_urls
from troubleshoot.trees import urls as trees_urls
from troubleshoot.views import health, home

# The tree and session pages share the "troubleshoot:" namespace (their URL names predate
# the split into domains); a namespace is registered once, so they are included together.
troubleshoot_pages = [*trees_urls.urlpatterns, *sessions_urls.urlpatterns]

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("", include("troubleshoot.accounts.urls")),
    path("", include((troubleshoot_pages, "troubleshoot"))),
]
