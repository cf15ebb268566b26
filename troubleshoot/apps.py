from django.apps import AppConfig


class TroubleshootConfig(AppConfig):
    name = "troubleshoot"
    verbose_name = "Troubleshooting"

    def ready(self):
        # Every app's URL patterns write ids as <id:...> (troubleshoot/input/params.py).
        from django.urls import register_converter
        from django.urls.converters import get_converters

        from troubleshoot.input.params import IdConverter

        if "id" not in get_converters():
            register_converter(IdConverter, "id")

        # Wiring between the domains that keeps their imports one-way (README, Code map):
        # the websocket (live) asks the sessions domain who may hear a session, and
        # accounts has live close a person's sockets when their role changes.
        from troubleshoot.accounts.services import ACCESS_CHANGED_HOOKS
        from troubleshoot.live.consumers import register_session_access_check
        from troubleshoot.live.events import tell_sockets_access_changed
        from troubleshoot.sessions.selectors import can_hear_session_events

        register_session_access_check(can_hear_session_events)
        if tell_sockets_access_changed not in ACCESS_CHANGED_HOOKS:
            ACCESS_CHANGED_HOOKS.append(tell_sockets_access_changed)
