"""HaloPSA: hidden actions (notes, time), status changes and lookups of tickets.

Halo uses OAuth client credentials: a token first (per call: writes are rare and a
cached token would be one more secret to keep), then the API call. Writes post a
JSON array (Halo's create-or-update shape). Errors come back as plain text or
`{"Message": "..."}`.
"""

from notifications.transports import http
from notifications.transports.http import TransportError
from notifications.transports.psa import (
    LOOKUP_TIMEOUT_SECONDS,
    OP_STATUS,
    OP_TIME,
    WHAT,
    Ticket,
    base_url,
    dispatch,
    iso_z,
    psa_message,
    raise_for_lookup_status,
    raise_for_ticket_status,
    text,
    ticket_id,
)

SERVICE = "HaloPSA"


def access_token(integration, *, timeout_seconds: float | None = None) -> str:
    config = integration.config
    params = {"tenant": config["tenant"]} if config.get("tenant") else None
    response = http.request(
        "POST",
        f"{base_url(config.get('url'))}/auth/token",
        params=params,
        data={
            "grant_type": "client_credentials",
            "client_id": config.get("client_id", ""),
            "client_secret": integration.secrets.get("client_secret", ""),
            "scope": "all",
        },
        timeout_seconds=timeout_seconds,
    )
    if response.status_code in (400, 401, 403):
        raise TransportError(
            f"HaloPSA rejected the client credentials ({response.status_code}): "
            f"{psa_message(response)}",
            permanent=True,
        )
    http.raise_for_status(response, service=SERVICE)
    token = http.json_or_empty(response).get("access_token")
    if not token:
        raise TransportError("HaloPSA answered without an access token.", permanent=True)
    return token


def _first_id(data) -> str:
    if isinstance(data, list):
        data = data[0] if data else {}
    return str(data.get("id", "")) if isinstance(data, dict) else ""


def _ticket(delivery) -> int:
    return ticket_id(delivery.payload.get("ticket") or delivery.target, service=SERVICE)


def _post(integration, path: str, body: list, *, ticket: int, what: str = "the note") -> str:
    token = access_token(integration)
    response = http.request(
        "POST",
        f"{base_url(integration.config.get('url'))}/api/{path}",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
    )
    raise_for_ticket_status(response, service=SERVICE, ticket=ticket, what=what)
    return _first_id(http.json_or_empty(response))


def send_note(delivery, integration) -> str:
    ticket = _ticket(delivery)
    action = {
        "ticket_id": ticket,
        "note": delivery.payload.get("note", ""),
        "hiddenfromuser": True,
        "outcome": "Private Note",
    }
    return _post(integration, "actions", [action], ticket=ticket)


def send_time_entry(delivery, integration) -> str:
    """Halo records time on an action: `timetaken` in hours, with its start and end."""
    ticket, payload = _ticket(delivery), delivery.payload
    action = {
        "ticket_id": ticket,
        "note": payload.get("note", ""),
        "hiddenfromuser": True,
        "outcome": "Time Entry",
        "timetaken": round(int(payload["minutes"]) / 60, 2),
        "actionarrivaldate": iso_z(payload["started_at"]),
        "actioncompletiondate": iso_z(payload["ended_at"]),
    }
    agent = str(integration.config.get("time_as") or "")
    if agent.isdigit():
        action["agent_id"] = int(agent)
    return _post(integration, "actions", [action], ticket=ticket, what=WHAT[OP_TIME])


def send_status(delivery, integration) -> str:
    """Halo statuses are ids (9 is Closed in a default install)."""
    ticket, status = _ticket(delivery), str(delivery.payload.get("status", "")).strip()
    if not status.isdigit():
        raise TransportError(
            f"HaloPSA needs a status id (e.g. 9 for Closed); “{status[:20]}” is not one.",
            permanent=True,
            disables=False,
        )
    body = [{"id": ticket, "status_id": int(status)}]
    return _post(integration, "tickets", body, ticket=ticket, what=WHAT[OP_STATUS])


def send(delivery, integration) -> str:
    return dispatch(
        delivery, integration, note=send_note, time_entry=send_time_entry, status=send_status
    )


def lookup(integration, ticket: str) -> Ticket:
    number = ticket_id(ticket, service=SERVICE)
    token = access_token(integration, timeout_seconds=LOOKUP_TIMEOUT_SECONDS)
    response = http.request(
        "GET",
        f"{base_url(integration.config.get('url'))}/api/tickets/{number}",
        headers={"Authorization": f"Bearer {token}"},
        timeout_seconds=LOOKUP_TIMEOUT_SECONDS,
    )
    raise_for_lookup_status(response, service=SERVICE, ticket=number)
    data = http.json_or_empty(response)
    if not isinstance(data, dict):
        data = {}
    priority = data.get("priority")
    if not priority and data.get("priority_id"):
        priority = f"Priority {data['priority_id']}"
    return Ticket(
        ticket=str(number),
        summary=text(data.get("summary"), 500),
        company=text(data.get("client_name")),
        contact=text(data.get("user_name")),
        priority=text(priority, 60),
        status=text(data.get("status_name") or data.get("status_id"), 60),
    )


def ticket_url(integration, ticket: str) -> str:
    return f"{base_url(integration.config.get('url'))}/ticket?id={int(ticket)}"


def send_test(integration) -> str:
    access_token(integration)
    return "HaloPSA accepted the client credentials."
