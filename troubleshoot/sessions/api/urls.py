from rest_framework.routers import SimpleRouter

from troubleshoot.sessions.api.views import SessionViewSet

router = SimpleRouter()
router.register("sessions", SessionViewSet, basename="session")
urlpatterns = router.urls
