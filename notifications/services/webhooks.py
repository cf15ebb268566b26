"""Outgoing webhooks: admins register URLs for events; each call is a Delivery row.

notify_webhooks runs inside the caller's transaction (like notify_escalation): it
writes one Delivery per subscribed, enabled webhook and queues the sends after
commit. The rest are outermost (durable) admin actions.
"""

import secrets
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from notifications.models import Channel, Delivery, Webhook, WebhookEvent
from notifications.services.integrations import validate_service_url
from notifications.services.notify import create_deliveries_once
from notifications.services.switch_off import switch_off_and_tell_admins
from troubleshoot.accounts.roles import is_admin_or_above
from troubleshoot.models import User

SECRET_PREFIX = "whsec_"
MAX_WEBHOOKS = 20
PING = "ping"


def _require_admin(actor: User) -> None:
    if not is_admin_or_above(actor):
        raise PermissionDenied("Only admins and owners can manage webhooks.")


def _clean_events(events) -> list[str]:
    if not isinstance(events, list | tuple) or not events:
        raise ValidationError({"events": "Choose at least one event."})
    unknown = [e for e in events if e not in WebhookEvent.values]
    if unknown:
        raise ValidationError(
            {"events": f"Unknown event {unknown[0]!r}; use {', '.join(WebhookEvent.values)}."}
        )
    return [e for e in WebhookEvent.values if e in events]  # stable order, no repeats


def _webhook_for(actor: User, webhook_id: int, *, lock: bool = False) -> Webhook:
    webhooks = Webhook.objects.filter(account_id=actor.account_id)
    if lock:
        webhooks = webhooks.select_for_update()
    webhook = webhooks.filter(pk=webhook_id).first()
    if webhook is None:
        raise Http404("No such webhook in your account.")
    return webhook


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


@transaction.atomic(durable=True)
def webhook_create(*, actor: User, url: str, events: list[str], description: str = "") -> Webhook:
    """Register a URL for events; the signing secret is generated here.

    Raises PermissionDenied (not an admin), ValidationError (URL rules of the other
    integrations: https in production, no credentials in it; unknown events; too many).
    """
    _require_admin(actor)
    url = validate_service_url(url, field="url")
    events = _clean_events(events)
    if Webhook.objects.filter(account_id=actor.account_id).count() >= MAX_WEBHOOKS:
        raise ValidationError(f"An account can have at most {MAX_WEBHOOKS} webhooks.")
    return Webhook.objects.create(
        account_id=actor.account_id,
        url=url,
        events=events,
        description=description.strip()[:120],
        secret=new_secret(),
        created_by=actor,
    )


@transaction.atomic(durable=True)
def webhook_update(
    *,
    actor: User,
    webhook_id: int,
    url: str | None = None,
    events: list[str] | None = None,
    description: str | None = None,
    enabled: bool | None = None,
) -> Webhook:
    """Change what is given. Turning it on (or fixing its URL) clears a disabled reason."""
    _require_admin(actor)
    webhook = _webhook_for(actor, webhook_id, lock=True)
    if url is not None:
        webhook.url = validate_service_url(url, field="url")
    if events is not None:
        webhook.events = _clean_events(events)
    if description is not None:
        webhook.description = description.strip()[:120]
    if enabled is True or (url is not None and enabled is None):
        webhook.enabled, webhook.disabled_reason, webhook.disabled_at = True, "", None
    elif enabled is False:
        webhook.enabled = False
    webhook.save()
    return webhook


@transaction.atomic(durable=True)
def webhook_rotate_secret(*, actor: User, webhook_id: int) -> Webhook:
    """A new signing secret; calls from now on are signed with it."""
    _require_admin(actor)
    webhook = _webhook_for(actor, webhook_id, lock=True)
    webhook.secret = new_secret()
    webhook.save(update_fields=["secret", "updated_at"])
    return webhook


@transaction.atomic(durable=True)
def webhook_delete(*, actor: User, webhook_id: int) -> None:
    """Its pending deliveries end `disabled` when their turn comes."""
    _require_admin(actor)
    _webhook_for(actor, webhook_id).delete()


@transaction.atomic(durable=True)
def webhook_ping(*, actor: User, webhook_id: int) -> Delivery:
    """Send a `ping` event now, through the ledger like any other call."""
    _require_admin(actor)
    webhook = _webhook_for(actor, webhook_id)
    now = timezone.now()
    delivery = Delivery(
        account_id=webhook.account_id,
        channel=Channel.WEBHOOK,
        target=str(webhook.pk),
        webhook=webhook,
        subject=PING,
        payload=_payload(PING, {"webhook": {"id": webhook.pk}}, now),
        dedupe_key=f"webhook-{webhook.pk}-ping-{secrets.token_hex(8)}",
    )
    create_deliveries_once([delivery])
    return Delivery.objects.get(dedupe_key=delivery.dedupe_key)


def _payload(event: str, data: dict, occurred_at) -> dict:
    return {"event": event, "occurred_at": occurred_at.isoformat(), "data": data}


@transaction.atomic(savepoint=False)
def notify_webhooks(
    *, account_id: int, event: str, event_key: str, data: dict | Callable[[], dict]
) -> list[int]:
    """One Delivery per enabled webhook of the account subscribed to `event`, sent
    after commit. Idempotent per event_key. Returns the Delivery ids."""
    rows = webhook_deliveries(account_id=account_id, event=event, event_key=event_key, data=data)
    return create_deliveries_once(rows) if rows else []


def webhook_deliveries(
    *, account_id: int, event: str, event_key: str, data: dict | Callable[[], dict]
) -> list[Delivery]:
    """The unsaved Delivery rows for `event`, for a caller that inserts them with its
    own (notify_escalation: one INSERT for the whole outbox). One query. `data` may be
    a function, called only when some webhook wants the event."""
    if event not in WebhookEvent.values:
        raise ValueError(f"Unknown webhook event {event!r}.")
    # Events are a short list per webhook; filtering them here works on SQLite too.
    webhooks = [
        w for w in Webhook.objects.filter(account_id=account_id, enabled=True) if event in w.events
    ]
    if not webhooks:
        return []
    payload = _payload(event, data() if callable(data) else data, timezone.now())
    return [
        Delivery(
            account_id=account_id,
            channel=Channel.WEBHOOK,
            target=str(webhook.pk),
            webhook=webhook,
            subject=event,
            payload=payload,
            dedupe_key=f"{event_key}:webhook:{webhook.pk}"[:255],
        )
        for webhook in webhooks
    ]


@transaction.atomic(durable=True)
def webhook_disable(*, webhook_id: int, reason: str) -> bool:
    """Turn a webhook off after a permanent error and tell the account's admins.

    Its other pending deliveries become `disabled`. Returns False when it was off
    already, so concurrent failures tell the admins once.
    """
    webhook = Webhook.objects.select_for_update().filter(pk=webhook_id).first()
    return switch_off_and_tell_admins(
        webhook,
        reason=reason,
        pending=Delivery.objects.filter(webhook=webhook),
        error_prefix="Webhook disabled",
        title=f"Webhook {webhook_id} disabled",
        kind="webhook_disabled",
        body="Baton stopped calling it after a permanent error. Fix its URL or turn it "
        "back on through the API.",
        link="/account/deliveries/?channel=webhook",
    )


def person(user) -> dict | None:
    return {"id": user.pk, "name": user.display_name} if user is not None else None


def session_webhook_data(session, *, actor=None) -> dict:
    """A session as webhook receivers see it (its summary, ticket and where it stands)."""
    from notifications.services.notify import absolute_url

    return {
        "id": session.pk,
        "status": session.status,
        "problem_summary": session.problem_summary,
        "client_name": session.client_name,
        "psa_ticket": session.psa_ticket,
        "resolution_note": session.resolution_note,
        "by": person(actor),
        "url": absolute_url(f"/sessions/{session.pk}/"),
    }


def notify_session_resolved(*, session, actor) -> list[int]:
    """`session.resolved` to the account's webhooks (inside the caller's transaction)."""
    return notify_webhooks(
        account_id=session.account_id,
        event=WebhookEvent.SESSION_RESOLVED,
        event_key=f"session-{session.pk}-resolved",
        data={"session": session_webhook_data(session, actor=actor)},
    )


def session_close_hook(*, session, actor, note: str = "") -> None:
    """Registered in troubleshoot.sessions.extensions.SESSION_CLOSE_HOOKS: a session
    resolved on its page (or through the API) calls the `session.resolved` webhooks."""
    from troubleshoot.models import SessionStatus

    if session.status == SessionStatus.RESOLVED:
        notify_session_resolved(session=session, actor=actor)
