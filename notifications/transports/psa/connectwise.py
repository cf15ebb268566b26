"""ConnectWise Manage: notes, time entries, status changes and lookups of service tickets.

Auth is HTTP Basic `<company>+<public key>:<private key>` plus the `clientId`
header ConnectWise issues per integration. Errors come back as
`{"code": "NotFound", "message": "..."}`.
"""

from urllib.parse import urlencode

from notifications.transports import http
from notifications.transports.psa import (
    LOOKUP_TIMEOUT_SECONDS,
    OP_STATUS,
    OP_TIME,
    WHAT,
    Ticket,
    base_url,
    dispatch,
    iso_z,
    raise_for_lookup_status,
    raise_for_ticket_status,
    text,
    ticket_id,
)

SERVICE = "ConnectWise"
API_ROOT = "/v4_6_release/apis/3.0"


def _auth_and_headers(integration) -> dict:
    config, secrets = integration.config, integration.secrets
    username = f"{config.get('company_id', '')}+{config.get('public_key', '')}"
    return {
        "auth": (username, secrets.get("private_key", "")),
        "headers": {"clientId": config.get("client_id", ""), "Accept": "application/json"},
    }


def _api(integration) -> str:
    return f"{base_url(integration.config.get('site'))}{API_ROOT}"


def _ticket(delivery) -> int:
    return ticket_id(delivery.payload.get("ticket") or delivery.target, service=SERVICE)


def send_note(delivery, integration) -> str:
    ticket = _ticket(delivery)
    response = http.request(
        "POST",
        f"{_api(integration)}/service/tickets/{ticket}/notes",
        json={"text": delivery.payload.get("note", ""), "internalAnalysisFlag": True},
        **_auth_and_headers(integration),
    )
    raise_for_ticket_status(response, service=SERVICE, ticket=ticket)
    return str(http.json_or_empty(response).get("id", ""))


def send_time_entry(delivery, integration) -> str:
    ticket, payload = _ticket(delivery), delivery.payload
    body = {
        "chargeToId": ticket,
        "chargeToType": "ServiceTicket",
        "timeStart": iso_z(payload["started_at"]),
        "timeEnd": iso_z(payload["ended_at"]),
        "notes": payload.get("note", ""),
    }
    if integration.config.get("time_as"):
        body["member"] = {"identifier": integration.config["time_as"]}
    response = http.request(
        "POST", f"{_api(integration)}/time/entries", json=body, **_auth_and_headers(integration)
    )
    raise_for_ticket_status(response, service=SERVICE, ticket=ticket, what=WHAT[OP_TIME])
    return str(http.json_or_empty(response).get("id", ""))


def send_status(delivery, integration) -> str:
    """A JSON Patch of the ticket's status by name (e.g. "Resolved", ">Closed")."""
    ticket = _ticket(delivery)
    response = http.request(
        "PATCH",
        f"{_api(integration)}/service/tickets/{ticket}",
        json=[{"op": "replace", "path": "status/name", "value": delivery.payload["status"]}],
        **_auth_and_headers(integration),
    )
    raise_for_ticket_status(response, service=SERVICE, ticket=ticket, what=WHAT[OP_STATUS])
    return text(http.json_or_empty(response).get("status"), 120)


def send(delivery, integration) -> str:
    return dispatch(
        delivery, integration, note=send_note, time_entry=send_time_entry, status=send_status
    )


def lookup(integration, ticket: str) -> Ticket:
    number = ticket_id(ticket, service=SERVICE)
    response = http.request(
        "GET",
        f"{_api(integration)}/service/tickets/{number}",
        timeout_seconds=LOOKUP_TIMEOUT_SECONDS,
        **_auth_and_headers(integration),
    )
    raise_for_lookup_status(response, service=SERVICE, ticket=number)
    data = http.json_or_empty(response)
    return Ticket(
        ticket=str(number),
        summary=text(data.get("summary"), 500),
        company=text(data.get("company")),
        contact=text(data.get("contactName") or data.get("contact")),
        priority=text(data.get("priority"), 60),
        status=text(data.get("status"), 60),
    )


def ticket_url(integration, ticket: str) -> str:
    """The ticket in ConnectWise's web UI (the API host without its `api-` prefix)."""
    site = base_url(integration.config.get("site")).replace("://api-", "://", 1)
    query = urlencode(
        {"service_recid": ticket, "companyName": integration.config.get("company_id", "")}
    )
    return f"{site}/v4_6_release/services/system_io/Service/fv_sr100_request.rails?{query}"


def send_test(integration) -> str:
    response = http.request(
        "GET", f"{_api(integration)}/system/info", **_auth_and_headers(integration)
    )
    http.raise_for_status(response, service=SERVICE)
    version = http.json_or_empty(response).get("version", "")
    return f"Connected to ConnectWise{f' {version}' if version else ''}."
