"""The stored search document of a session, read by "seen before" (similar.py).

A session is a candidate for "seen before" once resolved, so its document is written
when it is resolved (both ways: on its own page and through a handoff) and again when
its details are corrected. An open session's text is built on the fly (`session_text`)
for the query side, so nothing is written while a junior walks.

PostgreSQL also stores the weighted tsvector: the problem summary and the resolution
note weigh A (what it was, what fixed it), the walk's text (steps, answers, notes,
messages) weighs C. Migration 0007 puts a GIN index on it.
"""

from django.db import connection

from troubleshoot.sessions.models import Session, Step, StepKind

DOCUMENT_MAX = 20_000
# System lines ("Claimed by Sam") and the assistant's long answers say nothing about
# the problem itself; they would only dilute the match.
_DOCUMENT_KINDS = (StepKind.ANSWER, StepKind.NOTE, StepKind.USER_MESSAGE)


def walk_text(steps) -> str:
    """The text of a session's steps that describes the problem and what was tried."""
    parts: list[str] = []
    for step in steps:
        if step.kind not in _DOCUMENT_KINDS:
            continue
        if step.node_id and step.node is not None:
            parts.append(step.node.title)
        parts += [step.choice_label, step.note, step.text]
    return "\n".join(p for p in parts if p)[:DOCUMENT_MAX]


def session_text(session: Session) -> str:
    """Summary, walk and resolution note of a session, for the query side (one query)."""
    steps = (
        Step.objects.filter(session_id=session.pk, kind__in=_DOCUMENT_KINDS)
        .select_related("node")
        .only("kind", "node_id", "node__title", "choice_label", "note", "text")
        .order_by("created_at", "id")
    )
    return "\n".join(
        p for p in (session.problem_summary, walk_text(steps), session.resolution_note) if p
    )


def session_refresh_search(*, session_id: int, resolved_by_id: int | None = None) -> None:
    """Rewrite the session's search document (and vector on PostgreSQL); with
    `resolved_by_id`, also record who resolved it. Two queries; not durable: called
    inside the resolving or correcting transaction."""
    steps = (
        Step.objects.filter(session_id=session_id, kind__in=_DOCUMENT_KINDS)
        .select_related("node")
        .order_by("created_at", "id")
    )
    changes: dict = {"search_document": walk_text(steps)}
    if resolved_by_id is not None:
        changes["resolved_by_id"] = resolved_by_id
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchVector
        from django.db.models import Value

        changes["search_vector"] = (
            SearchVector("problem_summary", weight="A", config="english")
            + SearchVector("resolution_note", weight="A", config="english")
            + SearchVector(Value(changes["search_document"]), weight="C", config="english")
        )
    Session.objects.filter(pk=session_id).update(**changes)
