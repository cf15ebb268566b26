"""What a page showing one session's handoff re-fetches on, in one place."""

from django import template

from handoffs.services.common import SESSION_EVENT_TYPES

register = template.Library()


@register.simple_tag
def session_live_triggers(session_id: int) -> str:
    """An hx-trigger value: every event about this session's handoffs, then a reconnect.

    Only this session's events (baton.js fires each also as "baton:<type>:session-<id>";
    htmx's [detail...] filters would need eval, which the CSP forbids), so an escalation
    elsewhere in the account does not make every open session page fetch again.
    """
    triggers = [f"baton:{kind}:session-{int(session_id)} from:body" for kind in SESSION_EVENT_TYPES]
    return ", ".join([*triggers, "baton:reconnected from:body"])
