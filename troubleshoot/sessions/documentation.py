"""The session write-up: one concise Markdown document.

Used by the Markdown export, the print page's source, the escalation snapshot and
the PSA note, so every place tells the same story. User text is quoted as text,
never trusted as Markdown structure: it is flattened onto one line per item and
Markdown-escaped, so `[x](https://evil.example)` in a note is those characters wherever
the document is rendered, never a link. Only the document's own headings, lists and
bold labels are Markdown.
"""

from datetime import timedelta

from django.utils import timezone

from troubleshoot.accounts.timezones import full_datetime, load_zone
from troubleshoot.input.text import markdown_escape
from troubleshoot.sessions.models import Session, SessionKind, StepKind

CHAT_EXCERPT = 400


def _one_line(text: str, limit: int | None = None) -> str:
    """User text as one line of literal text in the document (cut at `limit` first)."""
    flat = " ".join((text or "").split())
    if limit and len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return markdown_escape(flat)


def format_duration(delta: timedelta) -> str:
    minutes = max(int(delta.total_seconds() // 60), 0)
    if minutes < 1:
        return "under a minute"
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{hours} h {minutes} min"
    return f"{hours} h" if hours else f"{minutes} min"


def time_spent(session: Session) -> timedelta:
    end = session.resolved_at or session.last_activity_at
    return end - session.created_at


def _approach(session: Session) -> str:
    version = session.tree_version
    if version is None:
        return "AI chat"
    tree = f"Decision tree “{_one_line(version.title)}” (v{version.number})"
    return f"AI chat, then {tree}" if session.kind == SessionKind.CHAT else tree


def _steps(session: Session):
    cache = getattr(session, "_prefetched_objects_cache", {})
    if "steps" in cache:
        return session, list(cache["steps"])
    from troubleshoot.sessions.selectors import session_with_steps

    full = session_with_steps(session.pk)
    return full, list(full.steps.all())


def session_document(session: Session, *, zone_name: str | None = None) -> str:
    """Problem, client, ticket, approach, steps with outcomes, notes, status, time.

    Times are in zone_name, or in the reader's zone (the one active for the request)
    when none is given; the document names its zone, since it is read away from
    Baton's pages. Two queries at most (none when the steps are already prefetched
    with authors and nodes, as selectors.sessions.session_with_steps does).
    """
    if not zone_name:
        return _document(session)
    with timezone.override(load_zone(zone_name)):
        return _document(session)


def _document(session: Session) -> str:
    session, steps = _steps(session)
    lines = [f"# {_one_line(session.problem_summary)}", ""]
    if session.client_name:
        lines.append(f"- **Client:** {_one_line(session.client_name)}")
    if session.psa_ticket:
        lines.append(f"- **PSA ticket:** #{_one_line(session.psa_ticket)}")
    lines.append(f"- **Approach:** {_approach(session)}")
    lines.append(f"- **Status:** {session.get_status_display()}")
    lines.append(f"- **Engineer:** {_one_line(session.user.display_name)}")
    if session.assignee_id:
        lines.append(f"- **Assigned to:** {_one_line(session.assignee.display_name)}")
    started = full_datetime(session.created_at)
    lines.append(
        f"- **Started:** {started} · **Time spent:** {format_duration(time_spent(session))}"
    )

    tree_steps = [s for s in steps if s.kind == StepKind.ANSWER]
    if tree_steps:
        lines += ["", "## Steps tried"]
        for number, step in enumerate(tree_steps, start=1):
            title = _one_line(step.node.title if step.node else "(step)")
            outcome = _one_line(step.choice_label) or "—"
            line = f"{number}. {title} → **{outcome}**"
            if step.note:
                line += f" — note: {_one_line(step.note, 500)}"
            if step.abandoned:
                line += " _(backtracked: later replaced by another answer)_"
            lines.append(line)
        if session.current_node_id and session.is_open:
            lines.append(f"- Currently at: {_one_line(session.current_node.title)}")

    messages = [s for s in steps if s.kind in (StepKind.USER_MESSAGE, StepKind.ASSISTANT_MESSAGE)]
    if messages:
        lines += ["", "## Conversation"]
        for step in messages:
            who = (
                "Assistant"
                if step.kind == StepKind.ASSISTANT_MESSAGE
                else (step.author.display_name if step.author else "Engineer")
            )
            lines.append(f"- **{_one_line(who)}:** {_one_line(step.text, CHAT_EXCERPT)}")

    notes = [s for s in steps if s.kind == StepKind.NOTE]
    if notes:
        lines += ["", "## Notes"]
        for step in notes:
            author = step.author.display_name if step.author else "Someone"
            lines.append(f"- {_one_line(author)}: {_one_line(step.note or step.text, 1000)}")

    events = [s for s in steps if s.kind == StepKind.SYSTEM]
    if events:
        lines += ["", f"## History (times in {timezone.get_current_timezone_name()})"]
        for step in events:
            local = timezone.localtime(step.created_at)
            when = f"{local.day} {local:%b %H:%M}"
            lines.append(f"- {when} {_one_line(step.text, 300)}")

    if session.resolution_note or session.resolved_at:
        lines += ["", "## Resolution", _one_line(session.resolution_note) or "Resolved."]
    return "\n".join(lines) + "\n"
