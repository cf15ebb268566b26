from django.urls import path

from notifications.views import bell, deliveries, preferences, psa, reach, settings, webhooks

app_name = "notifications"

urlpatterns = [
    path("notifications/", bell.notification_list, name="list"),
    path("notifications/panel/", bell.panel, name="panel"),
    path("notifications/read-all/", bell.mark_all_read, name="read_all"),
    path("notifications/<id:notification_id>/open/", bell.notification_open, name="open"),
    path("notifications/preferences/", preferences.preferences, name="preferences"),
    path("notifications/preferences/hours/", preferences.working_hours, name="working_hours"),
    path("notifications/desktop/", reach.desktop_alert, name="desktop_alert"),
    path("notifications/push/subscribe/", reach.push_subscribe, name="push_subscribe"),
    path("notifications/push/unsubscribe/", reach.push_unsubscribe, name="push_unsubscribe"),
    path("availability/", reach.availability, name="availability"),
    path("availability/heartbeat/", reach.heartbeat, name="heartbeat"),
    path("availability/roster/", reach.roster, name="roster"),
    path("sw.js", reach.service_worker, name="service_worker"),
    path("account/integrations/", settings.integrations, name="integrations"),
    path(
        "account/integrations/psa/writeback/",
        psa.psa_writeback_settings,
        name="psa_writeback_settings",
    ),
    path("psa/lookup/", psa.psa_lookup, name="psa_lookup"),
    path("psa/demo/tickets/<int:ticket>/", psa.psa_demo_ticket, name="psa_demo_ticket"),
    path("psa/writes/<id:delivery_id>/retry/", psa.psa_write_retry, name="psa_write_retry"),
    path("sessions/<id:session_id>/psa/", psa.psa_session_writes, name="psa_session_writes"),
    path("account/integrations/timeout/", settings.unclaimed_timeout, name="unclaimed_timeout"),
    path("account/integrations/<slug:slot>/", settings.integration_save, name="integration_save"),
    path(
        "account/integrations/<slug:slot>/test/", settings.integration_test, name="integration_test"
    ),
    path(
        "account/integrations/<slug:slot>/remove/",
        settings.integration_remove,
        name="integration_remove",
    ),
    path("account/webhooks/", webhooks.webhook_list, name="webhooks"),
    path("account/webhooks/add/", webhooks.webhook_add, name="webhook_add"),
    path(
        "account/webhooks/<int:webhook_id>/<slug:action>/",
        webhooks.webhook_action,
        name="webhook_action",
    ),
    path("account/deliveries/", deliveries.delivery_list, name="deliveries"),
    path("account/deliveries/<id:delivery_id>/retry/", deliveries.delivery_retry, name="retry"),
]
