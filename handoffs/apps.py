from django.apps import AppConfig


class HandoffsConfig(AppConfig):
    name = "handoffs"
    verbose_name = "Handoffs and escalations"

    def ready(self):
        # The session page shows our park / escalate panel without importing us.
        from troubleshoot.extensions import SESSION_PANELS

        if "handoffs/_session_panel.html" not in SESSION_PANELS:
            SESSION_PANELS.append("handoffs/_session_panel.html")
