"""HaloPSA: a hidden-from-user action on the ticket.

Halo uses OAuth client credentials: a token first (per send: notes are rare and a
cached token would be one more secret to keep), then one action in a JSON array.
"""

from notifications.transports import http
from notifications.transports.http import TransportError
from notifications.transports.psa import base_url, psa_message, raise_for_ticket_status, ticket_id

SERVICE = "HaloPSA"


def access_token(integration) -> str:
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


def _note_id(data) -> str:
    if isinstance(data, list):
        data = data[0] if data else {}
    return str(data.get("id", "")) if isinstance(data, dict) else ""


def send(delivery, integration) -> str:
    ticket = ticket_id(delivery.payload.get("ticket") or delivery.target, service=SERVICE)
    token = access_token(integration)
    action = {
        "ticket_id": ticket,
        "note": delivery.payload.get("note", ""),
        "hiddenfromuser": True,
        "outcome": "Private Note",
    }
    response = http.request(
        "POST",
        f"{base_url(integration.config.get('url'))}/api/actions",
        json=[action],
        headers={"Authorization": f"Bearer {token}"},
    )
    raise_for_ticket_status(response, service=SERVICE, ticket=ticket)
    return _note_id(http.json_or_empty(response))


def send_test(integration) -> str:
    access_token(integration)
    return "HaloPSA accepted the client credentials."
