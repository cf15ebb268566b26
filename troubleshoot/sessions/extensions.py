"""Extension points other apps fill in, so troubleshoot never imports them.

SESSION_PANELS: template names rendered in the session page's sidebar, in order,
with `session`, `request`, `user` and `can_work` in the context. An app appends its
panel in AppConfig.ready(), e.g. handoffs adds "handoffs/_session_panel.html".
"""

SESSION_PANELS: list[str] = []

# SESSION_START_PANELS: template names rendered inside the new-session and tree start
# forms, below their fields, with `form` and `request` in the context: notifications
# adds the PSA ticket lookup that fills the form from a ticket number.
SESSION_START_PANELS: list[str] = []

# SESSION_CLOSE_HOOKS: callables `hook(*, session, actor, note)` run inside the
# transaction that resolves or abandons a session (session.status is already the new
# one), so another app can close what it keeps about the session in the same commit:
# handoffs closes the session's live handoff. Explicit calls from the services, not
# signals; a hook must not do I/O (it may register on_commit work).
SESSION_CLOSE_HOOKS: list = []


# SESSION_DETAILS_HOOKS: callables `hook(*, session, actor)` run inside the transaction
# that corrected a session's summary, client or ticket, so another app can tell its own
# pages: handoffs announces the session's live handoff, and its queue card re-renders.
SESSION_DETAILS_HOOKS: list = []


def run_session_details_hooks(*, session, actor) -> None:
    for hook in SESSION_DETAILS_HOOKS:
        hook(session=session, actor=actor)


# SESSION_LISTENER_CHECKS: callables `check(user, session_id) -> bool`. The websocket
# joins a page to its session's event group when the session's own pages would show
# the session to the user, or when one of these says another app's page does: the
# pickup screen shows a parked session to the account's engineers, and must hear it
# re-escalated and its assessment written.
SESSION_LISTENER_CHECKS: list = []


def run_session_close_hooks(*, session, actor, note: str = "") -> None:
    for hook in SESSION_CLOSE_HOOKS:
        hook(session=session, actor=actor, note=note)
