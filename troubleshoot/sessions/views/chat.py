"""AI chat: post a message (saved at once), then fetch the reply in its own request."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from troubleshoot.accounts.roles import engineer_required
from troubleshoot.sessions import ai
from troubleshoot.sessions import chat as chat_services
from troubleshoot.sessions.forms import MessageForm
from troubleshoot.sessions.selectors import can_work_on_session, get_session_for_user
from troubleshoot.sessions.views.context import session_context
from troubleshoot.sessions.views.session import DETAIL, session_action, workspace_response


@engineer_required
@require_POST
@session_action
def chat_message(request, session_id: int):
    form = MessageForm(request.POST)
    if not form.is_valid():
        return workspace_response(
            request, session_id, status=400, message_form=form, error="The message was not sent."
        )
    chat_services.chat_post_message(
        actor=request.user, session_id=session_id, text=form.cleaned_data["text"]
    )
    return workspace_response(request, session_id)


@engineer_required
@require_POST
def chat_reply(request, session_id: int):
    """Called by the "thinking…" placeholder (hx-trigger=load) or its Retry button.

    Renders the assistant's bubble, or an error bubble with Retry (status 200 so
    htmx swaps it in; the conversation itself is already saved).
    """
    session = get_session_for_user(request.user, session_id)
    if not can_work_on_session(request.user, session):
        raise PermissionDenied("Only the engineer working this session can ask the assistant.")
    context = {"session": session, "can_work": True}
    try:
        step = chat_services.chat_reply(actor=request.user, session=session)
    except ai.AIError as exc:
        context.update(ai_error=exc)
        if not request.htmx:
            return render(
                request, DETAIL, session_context(request, session, ai_error=exc), status=503
            )
        return render(request, f"{DETAIL}#assistant_reply", context)
    if not request.htmx:
        return redirect("troubleshoot:session_detail", session_id=session.pk)
    context.update(step=step)
    return render(request, f"{DETAIL}#assistant_reply", context)
