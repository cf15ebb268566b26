"""PSA connections: post the session documentation as an internal ticket note.

One module per PSA, each with `send(delivery, integration) -> note id` and
`send_test(integration) -> message`. Shared rules live here: a ticket must be a
numeric id, and a 404 is about that one ticket (the delivery fails with the PSA's
message) while 401/403 are about the credentials (the integration is disabled).
"""

from notifications.transports import http
from notifications.transports.http import TransportError


def ticket_id(ticket: str, *, service: str) -> int:
    cleaned = (ticket or "").strip().lstrip("#")
    if not cleaned.isdigit():
        raise TransportError(
            f"{service} needs a numeric ticket id; #{cleaned[:40]} is not one.",
            permanent=True,
            disables=False,
        )
    return int(cleaned)


def psa_message(response) -> str:
    """The PSA's own sentence, from the JSON error shapes the three PSAs use."""
    data = http.json_or_empty(response)
    if isinstance(data, dict):
        for key in ("message", "error_description", "error", "errors"):
            value = data.get(key)
            if isinstance(value, list):
                value = "; ".join(str(v) for v in value)
            if value:
                return http.clip(str(value))
    return http.excerpt(response)


def raise_for_ticket_status(response, *, service: str, ticket: int) -> None:
    """Unknown ticket: fail this note only; everything else: the shared mapping."""
    if response.status_code == 404:
        raise TransportError(
            f"{service} does not know ticket #{ticket}: {psa_message(response) or 'not found'}",
            permanent=True,
            disables=False,
        )
    if 400 <= response.status_code < 500 and response.status_code not in (401, 403, 429):
        raise TransportError(
            f"{service} rejected the note for ticket #{ticket} ({response.status_code}): "
            f"{psa_message(response)}",
            permanent=True,
            disables=False,
        )
    http.raise_for_status(response, service=service)


def base_url(value: str) -> str:
    """The saved API URL, ready for a path to be appended. A `?` or `#` would turn
    that path into a query or fragment, sending the request (and its credentials)
    to whatever path the URL names; saving refuses them, and so does sending, for
    rows saved before that check."""
    value = (value or "").strip().rstrip("/")
    if "?" in value or "#" in value:
        raise TransportError(
            "The PSA's API URL contains ? or #; save it again without them.", permanent=True
        )
    return value
