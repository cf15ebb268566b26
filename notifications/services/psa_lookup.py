"""Looking a PSA ticket up for the new-session form.

Called from an HTMX request after the form is on screen, so a slow PSA never holds
the page: the PSA gets LOOKUP_TIMEOUT_SECONDS (3 s) and the form stays usable by
hand. Answers are cached briefly per account and ticket (a found ticket for two
minutes, an unknown one for thirty seconds); failures are not cached. A 401/403
turns the integration off and tells the admins, as a failed send does.
"""

import logging
from dataclasses import dataclass

from django.core.cache import cache

from notifications import transports
from notifications.models import IntegrationKind
from notifications.services.psa_writeback import psa_for_account
from notifications.services.sending import integration_disable
from notifications.transports.http import TransportError
from notifications.transports.psa import LOOKUP_TIMEOUT_SECONDS, Ticket

logger = logging.getLogger(__name__)

FOUND_SECONDS = 120
NOT_FOUND_SECONDS = 30
BY_HAND = "Fill in the form by hand."


@dataclass(frozen=True)
class Lookup:
    """What the form shows: the ticket's values, or a sentence saying why not."""

    ticket: Ticket | None = None
    message: str = ""
    provider: str = ""
    demo: bool = False
    url: str = ""

    @property
    def found(self) -> bool:
        return self.ticket is not None


def _cache_key(account_id: int, integration, ticket: str) -> str:
    # The integration's id and save time are in the key: new settings, fresh answers.
    saved = int(integration.updated_at.timestamp())
    return f"psa-ticket:{account_id}:{integration.pk}:{saved}:{ticket}"


def _cached(key: str) -> dict | None:
    """The cached answer; a cache that is away (Redis down) is a miss, not an error."""
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001 - any cache backend error: ask the PSA instead
        logger.warning("psa lookup: cache unavailable")
        return None


def _remember(key: str, answer: dict, seconds: int) -> None:
    try:
        cache.set(key, answer, seconds)
    except Exception:  # noqa: BLE001 - the answer is still shown, only not kept
        logger.warning("psa lookup: cache unavailable")


def ticket_link(integration, ticket: str) -> str:
    """The ticket in the PSA's web UI ("" when it cannot be built)."""
    if integration is None or not str(ticket).isdigit():
        return ""
    return transports.psa_module(integration).ticket_url(integration, ticket)


def psa_ticket_lookup(*, actor, ticket: str) -> Lookup:
    """Look `ticket` up in the actor's account's PSA. Never raises for a PSA problem."""
    ticket = (ticket or "").strip().lstrip("#").strip()
    integration = psa_for_account(actor.account_id)
    if integration is None:
        return Lookup(message=f"No PSA is connected to this account. {BY_HAND}")
    provider = integration.get_kind_display()
    demo = integration.kind == IntegrationKind.DEMO_PSA
    if not integration.enabled:
        return Lookup(message=f"The {provider} connection is off. {BY_HAND}", provider=provider)
    if not ticket.isdigit() or len(ticket) > 12:
        return Lookup(
            message=f"{provider} tickets are looked up by number. {BY_HAND}", provider=provider
        )
    key = _cache_key(actor.account_id, integration, ticket)
    answer = _cached(key)
    if answer is None:
        answer, keep = _ask(integration, ticket)
        if keep:
            _remember(key, answer, FOUND_SECONDS if "ticket" in answer else NOT_FOUND_SECONDS)
    if "ticket" not in answer:
        return Lookup(message=f"{answer['error']} {BY_HAND}", provider=provider, demo=demo)
    return Lookup(
        ticket=Ticket(**answer["ticket"]),
        provider=provider,
        demo=demo,
        url=ticket_link(integration, ticket),
    )


def _ask(integration, ticket: str) -> tuple[dict, bool]:
    """({"ticket": {...}} or {"error": "..."}, whether to cache it): a found or unknown
    ticket is cached; a PSA that is down, slow or refusing us is not."""
    try:
        found = transports.psa_module(integration).lookup(integration, ticket)
    except TransportError as exc:
        if exc.disables:
            integration_disable(integration_id=integration.pk, reason=exc.message)
            return {"error": f"{exc.message} The PSA connection was turned off."}, False
        if exc.permanent:
            return {"error": exc.message}, True
        logger.info("psa lookup on integration %s failed: %s", integration.pk, exc.message)
        if exc.maybe_delivered or "Timed out" in exc.message:
            name = integration.get_kind_display()
            return {"error": f"{name} did not answer within {LOOKUP_TIMEOUT_SECONDS:g} s."}, False
        return {"error": exc.message}, False
    return {"ticket": found.as_dict()}, True
