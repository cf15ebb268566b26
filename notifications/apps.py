from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications and deliveries"

    def ready(self):
        # A session resolved on its page (or through the API) calls the account's
        # `session.resolved` webhooks, in the same transaction (an outbox row).
        from notifications.services.webhooks import session_close_hook
        from troubleshoot.sessions.extensions import SESSION_CLOSE_HOOKS

        if session_close_hook not in SESSION_CLOSE_HOOKS:
            SESSION_CLOSE_HOOKS.append(session_close_hook)

        # A session resolved on its page writes back to its PSA ticket (note, time
        # entries, status), and its page and the pickup screen show what reached it.
        from notifications.services.psa_writeback import psa_session_close_hook
        from troubleshoot.sessions.extensions import SESSION_PANELS, SESSION_START_PANELS

        if psa_session_close_hook not in SESSION_CLOSE_HOOKS:
            SESSION_CLOSE_HOOKS.append(psa_session_close_hook)
        if "notifications/_psa_session_panel.html" not in SESSION_PANELS:
            SESSION_PANELS.append("notifications/_psa_session_panel.html")
        # The new-session and tree start forms look a typed ticket up in the PSA.
        if "notifications/_psa_lookup_field.html" not in SESSION_START_PANELS:
            SESSION_START_PANELS.append("notifications/_psa_lookup_field.html")
