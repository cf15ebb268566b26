"""AI chat writes: the engineer's message is saved at once; the reply is fetched by a
separate request, so a slow or failing model never loses the conversation.

The model call happens outside any transaction (no network I/O while holding
locks); only storing its answer is a transaction.
"""

from django.db import transaction

from troubleshoot.sessions import ai
from troubleshoot.sessions.models import Session, Step, StepKind
from troubleshoot.sessions.selectors import awaiting_reply, chat_history, steps_for_session
from troubleshoot.sessions.services import lock_session_for_work, touch_session

MESSAGE_MAX = 8000


@transaction.atomic(durable=True)
def chat_post_message(*, actor, session_id: int, text: str) -> Step:
    session = lock_session_for_work(actor, session_id)
    step = Step.objects.create(
        session=session, author=actor, kind=StepKind.USER_MESSAGE, text=text[:MESSAGE_MAX]
    )
    touch_session(session, actor_id=actor.pk)
    return step


@transaction.atomic(durable=True)
def _store_reply(*, actor, session_id: int, after_step_id: int, text: str) -> Step:
    session = lock_session_for_work(actor, session_id)
    # Two tabs may ask for the same reply: the first stored answer wins.
    existing = (
        Step.objects.filter(session=session, kind=StepKind.ASSISTANT_MESSAGE, id__gt=after_step_id)
        .order_by("id")
        .first()
    )
    if existing:
        return existing
    step = Step.objects.create(
        session=session, author=None, kind=StepKind.ASSISTANT_MESSAGE, text=text
    )
    touch_session(session, actor_id=actor.pk)
    return step


def chat_reply(*, actor, session: Session) -> Step | None:
    """Ask the model for the reply the conversation is waiting for and store it.

    Returns the assistant step (the existing one if already answered), or None if
    no message awaits a reply. Raises ai.AIError (nothing stored), PermissionDenied.
    """
    steps = steps_for_session(session)
    if not awaiting_reply(steps):
        return None
    last_user = max(s.pk for s in steps if s.kind == StepKind.USER_MESSAGE)
    text = ai.chat_reply(session, chat_history(steps))
    return _store_reply(actor=actor, session_id=session.pk, after_step_id=last_user, text=text)
