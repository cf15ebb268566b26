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
