"""Autotask (Datto): ticket notes, time entries, status and lookups through the REST
API of the account's zone.

Auth is three headers: ApiIntegrationCode, UserName and Secret. `publish` 1 keeps
the note to Autotask users (internal), never the customer portal. Errors come back
as `{"errors": ["..."]}`; an unknown id is a 404 or `{"item": null}`.
"""

import re

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
    raise_for_lookup_status,
    raise_for_ticket_status,
    text,
    ticket_id,
)

SERVICE = "Autotask"
NOTE_TITLE = "Baton escalation documentation"
PUBLISH_INTERNAL = 1
DEFAULT_NOTE_TYPE = 1
# Autotask's default priority picklist.
PRIORITIES = {1: "High", 2: "Medium", 3: "Low", 4: "Critical"}


def _headers(integration) -> dict:
    return {
        "ApiIntegrationCode": integration.config.get("integration_code", ""),
        "UserName": integration.config.get("username", ""),
        "Secret": integration.secrets.get("secret", ""),
        "Accept": "application/json",
    }


def _api(integration) -> str:
    return f"{base_url(integration.config.get('zone_url'))}/V1.0"


def _ticket(delivery) -> int:
    return ticket_id(delivery.payload.get("ticket") or delivery.target, service=SERVICE)


def _item_id(response) -> str:
    return str(http.json_or_empty(response).get("itemId", ""))


def send_note(delivery, integration) -> str:
    ticket = _ticket(delivery)
    body = {
        "ticketID": ticket,
        "title": delivery.payload.get("title_line") or NOTE_TITLE,
        "description": delivery.payload.get("note", ""),
        "noteType": int(integration.config.get("note_type") or DEFAULT_NOTE_TYPE),
        "publish": PUBLISH_INTERNAL,
    }
    response = http.request(
        "POST",
        f"{_api(integration)}/Tickets/{ticket}/Notes",
        json=body,
        headers=_headers(integration),
    )
    raise_for_ticket_status(response, service=SERVICE, ticket=ticket)
    return _item_id(response)


def send_time_entry(delivery, integration) -> str:
    ticket, payload = _ticket(delivery), delivery.payload
    body = {
        "ticketID": ticket,
        "dateWorked": iso_z(payload["started_at"])[:10] + "T00:00:00Z",
        "startDateTime": iso_z(payload["started_at"]),
        "endDateTime": iso_z(payload["ended_at"]),
        "hoursWorked": round(int(payload["minutes"]) / 60, 2),
        "summaryNotes": payload.get("note", ""),
    }
    resource = str(integration.config.get("time_as") or "")
    if resource.isdigit():
        body["resourceID"] = int(resource)
    response = http.request(
        "POST", f"{_api(integration)}/TimeEntries", json=body, headers=_headers(integration)
    )
    raise_for_ticket_status(response, service=SERVICE, ticket=ticket, what=WHAT[OP_TIME])
    return _item_id(response)


def send_status(delivery, integration) -> str:
    """Autotask statuses are picklist numbers (5 is Complete in a default install)."""
    ticket, status = _ticket(delivery), str(delivery.payload.get("status", "")).strip()
    if not status.isdigit():
        raise TransportError(
            f"Autotask needs a status number (e.g. 5 for Complete); “{status[:20]}” is not one.",
            permanent=True,
            disables=False,
        )
    response = http.request(
        "PATCH",
        f"{_api(integration)}/Tickets",
        json={"id": ticket, "status": int(status)},
        headers=_headers(integration),
    )
    raise_for_ticket_status(response, service=SERVICE, ticket=ticket, what=WHAT[OP_STATUS])
    return _item_id(response)


def send(delivery, integration) -> str:
    return dispatch(
        delivery, integration, note=send_note, time_entry=send_time_entry, status=send_status
    )


def _item(integration, path: str) -> dict:
    response = http.request(
        "GET",
        f"{_api(integration)}/{path}",
        headers=_headers(integration),
        timeout_seconds=LOOKUP_TIMEOUT_SECONDS,
    )
    if response.status_code == 404:  # a company or contact removed since: leave it blank
        return {}
    http.raise_for_status(response, service=SERVICE)
    item = http.json_or_empty(response).get("item")
    return item if isinstance(item, dict) else {}


def lookup(integration, ticket: str) -> Ticket:
    """The ticket, then its company and contact by id (Autotask returns ids only)."""
    number = ticket_id(ticket, service=SERVICE)
    response = http.request(
        "GET",
        f"{_api(integration)}/Tickets/{number}",
        headers=_headers(integration),
        timeout_seconds=LOOKUP_TIMEOUT_SECONDS,
    )
    raise_for_lookup_status(response, service=SERVICE, ticket=number)
    item = http.json_or_empty(response).get("item")
    if not isinstance(item, dict):
        raise TransportError(f"Autotask has no ticket #{number}.", permanent=True, disables=False)
    company = contact = ""
    if item.get("companyID"):
        company = text(_item(integration, f"Companies/{int(item['companyID'])}").get("companyName"))
    if item.get("contactID"):
        person = _item(integration, f"Contacts/{int(item['contactID'])}")
        contact = text(f"{person.get('firstName', '')} {person.get('lastName', '')}")
    priority = item.get("priority")
    return Ticket(
        ticket=str(number),
        summary=text(item.get("title"), 500),
        company=company,
        contact=contact,
        priority=PRIORITIES.get(priority, f"Priority {priority}" if priority else ""),
        status=text(item.get("status"), 60),
    )


def ticket_url(integration, ticket: str) -> str:
    """Autotask's "open ticket" command on the zone's web host (webservicesN -> wwN)."""
    match = re.match(
        r"^https://webservices(\d+)\.autotask\.net", base_url(integration.config.get("zone_url"))
    )
    if not match:
        return ""
    return (
        f"https://ww{match.group(1)}.autotask.net/Autotask/AutotaskExtend/ExecuteCommand.aspx"
        f"?Code=OpenTicketDetail&TicketID={int(ticket)}"
    )


def send_test(integration) -> str:
    response = http.request(
        "GET", f"{_api(integration)}/ThresholdInformation", headers=_headers(integration)
    )
    http.raise_for_status(response, service=SERVICE)
    return "Connected to Autotask."
