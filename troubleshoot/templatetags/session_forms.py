"""`{% session_start_form as form %}`: the empty "start a session" form, for the tree
page. A tag, so the trees domain's view need not import the sessions domain's forms."""

from django import template

from troubleshoot.sessions.extensions import SESSION_START_PANELS
from troubleshoot.sessions.forms import SessionStartForm

register = template.Library()


@register.simple_tag
def session_start_form() -> SessionStartForm:
    return SessionStartForm()


@register.simple_tag
def session_start_panels() -> list[str]:
    """Other apps' parts of the start forms (SESSION_START_PANELS), e.g. the PSA lookup."""
    return SESSION_START_PANELS
