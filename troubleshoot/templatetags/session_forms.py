"""`{% session_start_form as form %}`: the empty "start a session" form, for the tree
page. A tag, so the trees domain's view need not import the sessions domain's forms."""

from django import template

from troubleshoot.sessions.forms import SessionStartForm

register = template.Library()


@register.simple_tag
def session_start_form() -> SessionStartForm:
    return SessionStartForm()
