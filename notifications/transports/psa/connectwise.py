"""ConnectWise Manage: an internal-analysis note on a service ticket.

Auth is HTTP Basic `<company>+<public key>:<private key>` plus the `clientId`
header ConnectWise issues per integration.
"""

from notifications.transports import http
from notifications.transports.psa import base_url, raise_for_ticket_status, ticket_id

SERVICE = "ConnectWise"
API_ROOT = "/v4_6_release/apis/3.0"


def _auth_and_headers(integration) -> dict:
    config, secrets = integration.config, integration.secrets
    username = f"{config.get('company_id', '')}+{config.get('public_key', '')}"
    return {
        "auth": (username, secrets.get("private_key", "")),
        "headers": {"clientId": config.get("client_id", ""), "Accept": "application/json"},
    }


def send(delivery, integration) -> str:
    ticket = ticket_id(delivery.payload.get("ticket") or delivery.target, service=SERVICE)
    url = f"{base_url(integration.config.get('site'))}{API_ROOT}/service/tickets/{ticket}/notes"
    response = http.request(
        "POST",
        url,
        json={"text": delivery.payload.get("note", ""), "internalAnalysisFlag": True},
        **_auth_and_headers(integration),
    )
    raise_for_ticket_status(response, service=SERVICE, ticket=ticket)
    return str(http.json_or_empty(response).get("id", ""))


def send_test(integration) -> str:
    url = f"{base_url(integration.config.get('site'))}{API_ROOT}/system/info"
    response = http.request("GET", url, **_auth_and_headers(integration))
    http.raise_for_status(response, service=SERVICE)
    version = http.json_or_empty(response).get("version", "")
    return f"Connected to ConnectWise{f' {version}' if version else ''}."
