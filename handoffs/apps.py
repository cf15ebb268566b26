from django.apps import AppConfig


class HandoffsConfig(AppConfig):
    name = "handoffs"
    verbose_name = "Handoffs and escalations"

    def ready(self):
        # The session page shows our park / escalate panel without importing us.
        from troubleshoot.sessions.extensions import SESSION_PANELS

        if "handoffs/_session_panel.html" not in SESSION_PANELS:
            SESSION_PANELS.append("handoffs/_session_panel.html")

        # Resolving or abandoning a session on its own page closes its live handoff.
        from handoffs.services.session_close import handoff_close_with_session
        from troubleshoot.sessions.extensions import SESSION_CLOSE_HOOKS

        if handoff_close_with_session not in SESSION_CLOSE_HOOKS:
            SESSION_CLOSE_HOOKS.append(handoff_close_with_session)

        # Correcting a session's details refreshes its open handoff's card.
        from handoffs.services.session_close import handoff_announce_session_details
        from troubleshoot.sessions.extensions import SESSION_DETAILS_HOOKS

        if handoff_announce_session_details not in SESSION_DETAILS_HOOKS:
            SESSION_DETAILS_HOOKS.append(handoff_announce_session_details)

        # The pickup screen of a parked session is open to engineers, whom the session's
        # own pages do not show it to: its socket must still hear the session's events.
        from handoffs.selectors import may_read_session_handoffs
        from troubleshoot.sessions.extensions import SESSION_LISTENER_CHECKS

        if may_read_session_handoffs not in SESSION_LISTENER_CHECKS:
            SESSION_LISTENER_CHECKS.append(may_read_session_handoffs)

        # The tree map marks the steps where escalations stood.
        from handoffs.selectors import escalations_per_step
        from troubleshoot.trees.treemap import TREE_HEAT_SOURCES

        if escalations_per_step not in TREE_HEAT_SOURCES:
            TREE_HEAT_SOURCES.append(escalations_per_step)
