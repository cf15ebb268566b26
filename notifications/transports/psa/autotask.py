"""Autotask (Datto): a ticket note through the REST API of the account's zone.

Auth is three headers: ApiIntegrationCode, UserName and Secret. `publish` 1 keeps
the note to Autotask users (internal), never the customer portal.
"""

from notifications.transports import http
from notifications.transports.psa import base_url, raise_for_ticket_status, ticket_id

SERVICE = "Autotask"
NOTE_TITLE = "Baton escalation documentation"
PUBLISH_INTERNAL = 1
DEFAULT_NOTE_TYPE = 1


def _headers(integration) -> dict:
    return {
        "ApiIntegrationCode": integration.config.get("integration_code", ""),
        "UserName": integration.config.get("username", ""),
        "Secret": integration.secrets.get("secret", ""),
        "Accept": "application/json",
    }


def send(delivery, integration) -> str:
    ticket = ticket_id(delivery.payload.get("ticket") or delivery.target, service=SERVICE)
    url = f"{base_url(integration.config.get('zone_url'))}/V1.0/Tickets/{ticket}/Notes"
    body = {
        "ticketID": ticket,
        "title": NOTE_TITLE,
        "description": delivery.payload.get("note", ""),
        "noteType": int(integration.config.get("note_type") or DEFAULT_NOTE_TYPE),
        "publish": PUBLISH_INTERNAL,
    }
    response = http.request("POST", url, json=body, headers=_headers(integration))
    raise_for_ticket_status(response, service=SERVICE, ticket=ticket)
    return str(http.json_or_empty(response).get("itemId", ""))


def send_test(integration) -> str:
    url = f"{base_url(integration.config.get('zone_url'))}/V1.0/ThresholdInformation"
    response = http.request("GET", url, headers=_headers(integration))
    http.raise_for_status(response, service=SERVICE)
    return "Connected to Autotask."
