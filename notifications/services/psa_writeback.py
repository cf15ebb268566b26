"""Writing a resolved session back to its PSA ticket: a note, time entries, a status.

Runs inside the transaction that resolves the session (the session page's resolve
through SESSION_CLOSE_HOOKS, a handoff's resolve by a direct call): each write is a
Delivery row (channel "psa", payload "op" note / time / status) committed with the
resolve and sent after commit by the ledger, with its retries. The dedupe keys name
the session, so resolving twice (or a retried request) adds no second note, and a
PSA write whose outcome is unknown is never repeated without a person (sending.py).

The account's settings live on the PSA integration's config: `time_entries` (one
entry per engineer who worked the session), `time_as` (the PSA person the entries
are logged as: a ConnectWise member identifier, an Autotask resource id, a HaloPSA
agent id; blank: the API user) and `resolved_status` (the status the ticket moves
to; a name for ConnectWise, a number for Autotask and HaloPSA).
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from notifications.models import Channel, Delivery, Integration, IntegrationKind
from notifications.services.notify import create_deliveries_once
from notifications.transports.psa import OP_NOTE, OP_STATUS, OP_TIME
from troubleshoot.accounts.roles import is_admin_or_above
from troubleshoot.models import SessionStatus, Step, User
from troubleshoot.sessions.documentation import format_duration, session_document

# A pause longer than this between two steps of one engineer is not counted as work.
IDLE_CAP = timedelta(minutes=30)
MIN_ENTRY = timedelta(minutes=1)
STATUS_MAX = 60
WRITEBACK_KEYS = ("time_entries", "resolved_status", "time_as")


def psa_for_account(account_id: int) -> Integration | None:
    """The account's PSA connection (real or the demo stand-in), on or off."""
    return Integration.objects.filter(account_id=account_id, slot="psa").first()


def engineer_time(session, steps=None) -> list[dict]:
    """Time each engineer spent, from the session's timeline.

    Walks the steps in order: the gap before a step counts for its author when the
    step before it was theirs too (or, for the session's owner, from the session's
    start), capped at IDLE_CAP; the wait before someone else takes over (a queue, a
    claim) counts for nobody. Each engineer gets at least MIN_ENTRY. Returns
    [{user_id, name, started_at, minutes}] in order of first involvement.
    """
    if steps is None:
        steps = list(
            Step.objects.filter(session=session, author__isnull=False)
            .select_related("author")
            .order_by("created_at", "id")
        )
    worked: dict[int, dict] = {}
    previous_author, previous_at = session.user_id, session.created_at
    for step in steps:
        if step.author_id is None:
            continue
        entry = worked.setdefault(
            step.author_id,
            {
                "user_id": step.author_id,
                "name": step.author.display_name,
                "started_at": previous_at if step.author_id == previous_author else step.created_at,
                "spent": timedelta(0),
            },
        )
        if step.author_id == previous_author:
            entry["spent"] += min(max(step.created_at - previous_at, timedelta(0)), IDLE_CAP)
        previous_author, previous_at = step.author_id, step.created_at
    return [
        {
            "user_id": e["user_id"],
            "name": e["name"],
            "started_at": e["started_at"],
            "minutes": max(e["spent"], MIN_ENTRY) // timedelta(minutes=1),
        }
        for e in worked.values()
    ]


def _row(session, integration, *, op: str, key: str, subject: str, payload: dict) -> Delivery:
    ticket = session.psa_ticket
    return Delivery(
        account_id=session.account_id,
        channel=Channel.PSA,
        target=ticket,
        integration=integration,
        subject=subject[:300],
        payload={"op": op, "ticket": ticket, "session_id": session.pk, **payload},
        dedupe_key=f"session-{session.pk}-resolved:psa-{key}:{ticket}"[:255],
    )


def psa_writeback_on_resolve(*, session, actor) -> list[int]:
    """The resolved session's writes to its ticket, as ledger rows (inside the
    caller's transaction). Nothing without a ticket or an enabled PSA. Returns the
    Delivery ids."""
    if session.status != SessionStatus.RESOLVED or not session.psa_ticket:
        return []
    integration = psa_for_account(session.account_id)
    if integration is None or not integration.enabled:
        return []
    zone = getattr(actor, "time_zone", "") or None
    summary = session.problem_summary
    rows = [
        _row(
            session,
            integration,
            op=OP_NOTE,
            key="note",
            subject=f"Resolved: {summary}",
            payload={
                "note": session_document(session, zone_name=zone),
                "title": summary,
                "title_line": "Baton session write-up (resolved)",
            },
        )
    ]
    if integration.config.get("time_entries"):
        for entry in engineer_time(session):
            spent = format_duration(timedelta(minutes=entry["minutes"]))
            started = entry["started_at"]
            rows.append(
                _row(
                    session,
                    integration,
                    op=OP_TIME,
                    key=f"time-{entry['user_id']}",
                    subject=f"Time: {entry['name']}, {spent}",
                    payload={
                        "engineer": entry["name"],
                        "user_id": entry["user_id"],
                        "minutes": entry["minutes"],
                        "started_at": started.isoformat(),
                        "ended_at": (started + timedelta(minutes=entry["minutes"])).isoformat(),
                        "note": f"Baton session #{session.pk}: {entry['name']} worked {spent} "
                        f"on “{summary}”.",
                    },
                )
            )
    status = str(integration.config.get("resolved_status") or "").strip()
    if status:
        rows.append(
            _row(
                session,
                integration,
                op=OP_STATUS,
                key="status",
                subject=f"Status → {status}",
                payload={"status": status},
            )
        )
    return create_deliveries_once(rows)


def psa_session_close_hook(*, session, actor, note: str = "") -> None:
    """Registered in SESSION_CLOSE_HOOKS: a session resolved on its page or through the
    API writes back to its ticket (an abandoned one does not)."""
    psa_writeback_on_resolve(session=session, actor=actor)


@transaction.atomic(durable=True)
def psa_writeback_settings_save(
    *, actor: User, time_entries: bool, resolved_status: str, time_as: str = ""
) -> Integration:
    """An admin's choices for the write-back on resolve. Raises PermissionDenied,
    Integration.DoesNotExist (no PSA yet), ValidationError (a status too long)."""
    if not is_admin_or_above(actor):
        raise PermissionDenied("Only admins and owners can change integrations.")
    integration = Integration.objects.select_for_update().get(
        account_id=actor.account_id, slot="psa"
    )
    resolved_status = " ".join((resolved_status or "").split())
    if len(resolved_status) > STATUS_MAX:
        raise ValidationError({"resolved_status": f"At most {STATUS_MAX} characters."})
    numeric = integration.kind in (IntegrationKind.AUTOTASK, IntegrationKind.HALOPSA)
    if resolved_status and numeric and not resolved_status.isdigit():
        raise ValidationError(
            {"resolved_status": f"{integration.get_kind_display()} names statuses by number."}
        )
    time_as = (time_as or "").strip()
    if time_as and numeric and not time_as.isdigit():
        raise ValidationError(
            {"time_as": f"{integration.get_kind_display()} names its people by number."}
        )
    integration.config = {
        **integration.config,
        "time_entries": bool(time_entries),
        "resolved_status": resolved_status,
        "time_as": time_as[:STATUS_MAX],
    }
    integration.save(update_fields=["config", "updated_at"])
    return integration
