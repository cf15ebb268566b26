"""Outgoing webhooks: a signed JSON POST to an admin's URL.

Body: {"id": "<delivery id>", "event": "handoff.claimed", "occurred_at": "...",
"data": {...}}. Headers: `Baton-Event`, `Baton-Delivery` (the same on every retry of
one call: receivers drop repeats by it), and `Baton-Signature: t=<unix seconds>,
v1=<hex HMAC-SHA256 of "<t>.<body>" with the webhook's secret>`. A receiver checks the
HMAC and that t is recent, which stops a captured call from being replayed later.

Through http.request like every integration (timeouts, and its URL checks). 2xx is
sent; 429 and 5xx are retried; 401, 403, 404 and 410 disable the webhook; another 4xx
fails only that call.
"""

import hashlib
import hmac
import json
import time

from notifications.transports import http
from notifications.transports.http import TransportError

SERVICE = "The webhook"
SIGNATURE_HEADER = "Baton-Signature"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def body_of(delivery) -> bytes:
    payload = {"id": str(delivery.pk), **delivery.payload}
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def send(delivery, webhook) -> str:
    if webhook is None:
        raise TransportError("The webhook was removed.", permanent=True, disables=False)
    body = body_of(delivery)
    headers = {
        "Content-Type": "application/json",
        "Baton-Event": delivery.payload.get("event", ""),
        "Baton-Delivery": str(delivery.pk),
        SIGNATURE_HEADER: signature(webhook.secret, int(time.time()), body),
    }
    response = http.request("POST", webhook.url, content=body, headers=headers)
    status = response.status_code
    if 400 <= status < 500 and status not in (401, 403, 404, 410, 429):
        raise TransportError(
            f"{SERVICE} rejected this call ({status}): {http.excerpt(response)}",
            permanent=True,
            disables=False,
        )
    http.raise_for_status(response, service=SERVICE)
    return ""
