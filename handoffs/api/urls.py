from django.urls import path
from rest_framework.routers import SimpleRouter

from handoffs.api.views import HandoffViewSet, SessionHandoffView

router = SimpleRouter()
router.register("handoffs", HandoffViewSet, basename="handoff")
urlpatterns = [
    path(
        "sessions/<int:session_id>/handoff/",
        SessionHandoffView.as_view(),
        name="session-handoff",
    ),
    *router.urls,
]
