""" "Seen before": the resolved sessions of the same account most like this one.

One query whatever the account's history (plus one for this session's own text):
on PostgreSQL, the session's words OR-ed into a tsquery matched against the stored,
GIN-indexed `search_vector` (sessions/search.py) and ranked with ts_rank, whose
weights put the summary and the resolution note ("what fixed it") above the walk's
text, plus twice the rank of the words of this session's own summary; on SQLite, the
newest resolved sessions containing any of the words, scored in Python the same way
(a hit in their summary or note counts three times, in the walk once; a word of this
session's summary counts three times).
"""

import re

from django.db import connection
from django.db.models import F, Q

from troubleshoot.sessions.models import Session, SessionStatus
from troubleshoot.sessions.search import session_text
from troubleshoot.trees.selectors import keywords

SEEN_BEFORE_LIMIT = 3
# The query's words: enough to describe a problem, few enough that the tsquery and the
# GIN lookup stay small however long the session's notes are.
QUERY_TERMS = 24
SQLITE_CANDIDATES = 200
# PostgreSQL ranks at most this many of the newest matching sessions.
RANKED_CANDIDATES = 500


def query_terms(text: str) -> list[str]:
    """Distinctive words of the text, letters and digits only (safe in a raw tsquery)."""
    terms: list[str] = []
    for word in keywords(text, limit=QUERY_TERMS * 2):
        for part in re.split(r"-+", word):
            if len(part) > 2 and part not in terms:
                terms.append(part)
    return terms[:QUERY_TERMS]


def _candidates(session: Session):
    return (
        Session.objects.filter(account_id=session.account_id, status=SessionStatus.RESOLVED)
        .exclude(pk=session.pk)
        .select_related("resolved_by", "assignee", "user")
        .defer("search_vector")
    )


def seen_before(session: Session, *, limit: int = SEEN_BEFORE_LIMIT) -> list[Session]:
    """Up to `limit` resolved sessions of the session's account, most similar first.
    Each carries `resolver` (who resolved it: recorded, else the assignee or owner)."""
    # The summary says what the problem is; the notes add detail and boilerplate
    # ("restarted the machine") that many sessions share: summary words count double.
    headline = query_terms(session.problem_summary)
    terms = query_terms(" ".join([session.problem_summary, session_text(session)]))
    if not terms:
        return []
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank

        query = SearchQuery(" | ".join(terms), search_type="raw", config="english")
        rank = SearchRank(F("search_vector"), query)
        if headline:
            summary = SearchQuery(" | ".join(headline), search_type="raw", config="english")
            rank = rank + 2 * SearchRank(F("search_vector"), summary)
        # Ranking reads every candidate's vector: rank only the newest matches, found
        # through the GIN index, so the cost stays bounded however common the words.
        newest = (
            Session.objects.filter(
                account_id=session.account_id,
                status=SessionStatus.RESOLVED,
                search_vector=query,
            )
            .order_by("-resolved_at", "-id")
            .values("id")[:RANKED_CANDIDATES]
        )
        found = list(
            _candidates(session)
            .filter(pk__in=newest)
            .annotate(rank=rank)
            .order_by("-rank", "-resolved_at", "-id")[:limit]
        )
    else:
        found = _sqlite_seen_before(session, terms, set(headline), limit)
    for other in found:
        other.resolver = other.resolved_by or other.assignee or other.user
    return found


def _sqlite_seen_before(
    session: Session, terms: list[str], headline: set[str], limit: int
) -> list[Session]:
    match = Q()
    for term in terms:
        match |= (
            Q(problem_summary__icontains=term)
            | Q(resolution_note__icontains=term)
            | Q(search_document__icontains=term)
        )
    rows = list(
        _candidates(session).filter(match).order_by("-resolved_at", "-id")[:SQLITE_CANDIDATES]
    )

    def score(other: Session) -> int:
        heading = f"{other.problem_summary} {other.resolution_note}".lower()
        body = other.search_document.lower()
        return sum((3 * (t in heading) + (t in body)) * (3 if t in headline else 1) for t in terms)

    scored = [(score(other), other) for other in rows]
    scored.sort(key=lambda pair: -pair[0])  # stable: newest first among equals
    return [other for points, other in scored[:limit] if points > 0]
