"""PSA connections: ticket notes, time entries, status changes and ticket lookups.

One module per PSA, each with `send(delivery, integration) -> PSA id` (the write
the delivery's payload "op" names: "note" (the default), "time" or "status"),
`send_test(integration) -> message`, `lookup(integration, ticket) -> Ticket` and
`ticket_url(integration, ticket) -> str`. Shared rules live here: a ticket must be
a numeric id, and a 404 is about that one ticket (the delivery fails with the PSA's
message) while 401/403 are about the credentials (the integration is disabled).
"""

from dataclasses import asdict, dataclass

from notifications.transports import http
from notifications.transports.http import TransportError

# A person waits on a lookup (the new-session form): a PSA slower than this is
# treated as not answering, and the form stays usable by hand.
LOOKUP_TIMEOUT_SECONDS = 3.0
OP_NOTE, OP_TIME, OP_STATUS = "note", "time", "status"
WHAT = {OP_NOTE: "the note", OP_TIME: "the time entry", OP_STATUS: "the status change"}


@dataclass(frozen=True)
class Ticket:
    """A PSA ticket as the new-session form uses it (every value the PSA's words)."""

    ticket: str
    summary: str = ""
    company: str = ""
    contact: str = ""
    priority: str = ""
    status: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def dispatch(delivery, integration, *, note, time_entry, status) -> str:
    """Call the module's writer for the delivery's op."""
    op = (delivery.payload or {}).get("op") or OP_NOTE
    writer = {OP_NOTE: note, OP_TIME: time_entry, OP_STATUS: status}.get(op)
    if writer is None:
        raise TransportError(f"Unknown PSA write {op[:20]!r}.", permanent=True, disables=False)
    return writer(delivery, integration)


def text(value, limit: int = 200) -> str:
    """A value from a PSA's JSON as one clean line of at most `limit` characters."""
    if isinstance(value, dict):
        value = value.get("name") or value.get("identifier") or ""
    return " ".join(str(value or "").split())[:limit]


def raise_for_lookup_status(response, *, service: str, ticket: int) -> None:
    """404: a sentence about the ticket (the integration stays on); else the shared map."""
    if response.status_code == 404:
        raise TransportError(
            f"{service} has no ticket #{ticket}"
            + (f" ({psa_message(response)})" if psa_message(response) else "")
            + ".",
            permanent=True,
            disables=False,
        )
    http.raise_for_status(response, service=service)


def iso_z(value: str) -> str:
    """An ISO timestamp from a payload as UTC with a Z and whole seconds."""
    from datetime import UTC, datetime

    when = datetime.fromisoformat(value).astimezone(UTC).replace(microsecond=0)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


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
        for key in ("message", "Message", "error_description", "error", "errors"):
            value = data.get(key)
            if isinstance(value, list):
                value = "; ".join(str(v) for v in value)
            if value:
                return http.clip(str(value))
    return http.excerpt(response)


def raise_for_ticket_status(response, *, service: str, ticket: int, what: str = "the note") -> None:
    """Unknown ticket: fail this write only; everything else: the shared mapping."""
    if response.status_code == 404:
        raise TransportError(
            f"{service} does not know ticket #{ticket}: {psa_message(response) or 'not found'}",
            permanent=True,
            disables=False,
        )
    if 400 <= response.status_code < 500 and response.status_code not in (401, 403, 429):
        raise TransportError(
            f"{service} rejected {what} for ticket #{ticket} ({response.status_code}): "
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
