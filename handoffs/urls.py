from django.urls import path

from handoffs.analytics import views as analytics
from handoffs.views import actions, pickup, queue

app_name = "handoffs"

urlpatterns = [
    path("analytics/", analytics.analytics_page, name="analytics"),
    path("analytics/<slug:table>.csv", analytics.analytics_csv, name="analytics_csv"),
    path("queue/", queue.queue_page, name="queue"),
    path("queue/list/", queue.queue_list, name="queue_list"),
    path("queue/count/", queue.queue_count, name="queue_count"),
    path("sessions/<id:session_id>/handoff/", actions.handoff_form, name="handoff_form"),
    path("sessions/<id:session_id>/handoff/panel/", actions.session_panel, name="session_panel"),
    path("sessions/<id:session_id>/pickup/", pickup.pickup, name="pickup"),
    path("sessions/<id:session_id>/pickup/live/", pickup.pickup_live, name="pickup_live"),
    path("handoffs/<id:handoff_id>/claim/", actions.claim, name="claim"),
    path("handoffs/<id:handoff_id>/release/", actions.release, name="release"),
    path("handoffs/<id:handoff_id>/reassign/", actions.reassign, name="reassign"),
    path("handoffs/<id:handoff_id>/cancel/", actions.cancel, name="cancel"),
    path("handoffs/<id:handoff_id>/resolve/", actions.resolve, name="resolve"),
    path("handoffs/<id:handoff_id>/reescalate/", actions.reescalate, name="reescalate"),
    path("handoffs/<id:handoff_id>/assessment/", pickup.assessment, name="assessment"),
    path(
        "handoffs/<id:handoff_id>/assessment/retry/",
        actions.retry_assessment,
        name="retry_assessment",
    ),
]
