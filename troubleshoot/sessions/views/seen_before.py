""" "Seen before": the panel of similar resolved sessions, fetched by htmx after the
page (the session page while its owner works, the pickup screen) has loaded, so the
search never delays the page."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from troubleshoot.accounts.roles import member_required
from troubleshoot.sessions.models import Session
from troubleshoot.sessions.selectors import can_hear_session_events
from troubleshoot.sessions.similar import seen_before

TEMPLATE = "troubleshoot/seen_before.html"


@member_required
@require_GET
def seen_before_panel(request, session_id: int):
    # Whoever may follow the session (its own pages, or the pickup screen of a parked
    # one) may see what it resembles; everyone else, another account included, 404.
    if not can_hear_session_events(request.user, session_id):
        raise Http404("No such session.")
    session = Session.objects.filter(pk=session_id, account_id=request.user.account_id).first()
    if session is None:
        raise Http404("No such session.")
    context = {"session": session, "similar": seen_before(session)}
    template = f"{TEMPLATE}#panel" if request.htmx else TEMPLATE
    return render(request, template, context)
