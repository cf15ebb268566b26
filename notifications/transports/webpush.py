"""Web Push (RFC 8030): one encrypted message to one browser's push service.

pywebpush encrypts the payload for the browser's keys (aes128gcm, RFC 8188/8291)
and py_vapid signs the request (RFC 8292); the request itself goes through Baton's
one HTTP helper, so push endpoints get the same timeouts and the same public-address
guard as every other integration (an endpoint is a URL a browser gave us).

A 404 or 410 means the browser dropped the subscription: permanent, and `disables`
tells the ledger to delete the subscription. 401/403 mean our VAPID signature was
refused: permanent for this message, but no fault of the subscription.
"""

import json

from django.conf import settings
from py_vapid import VapidException
from pywebpush import WebPusher, WebPushException

from notifications.reach import vapid
from notifications.transports.http import TransportError, raise_for_status, request

SERVICE = "The push service"
# Push services accept 4096 bytes of encrypted body; aes128gcm adds 86 bytes of
# header, a 16-byte tag and a padding byte. Payloads are cut well below that.
MAX_PAYLOAD_BYTES = 3000
BODY_CHARS = 300


def payload_bytes(payload: dict) -> bytes:
    """The JSON the service worker reads, cut to fit: the body shrinks first."""
    message = {
        "title": str(payload.get("title", ""))[:200],
        "body": str(payload.get("body", ""))[:BODY_CHARS],
        "url": str(payload.get("url", ""))[:500],
        "tag": str(payload.get("tag", ""))[:60],
    }
    data = json.dumps(message, ensure_ascii=False).encode()
    while len(data) > MAX_PAYLOAD_BYTES and message["body"]:
        message["body"] = message["body"][: len(message["body"]) // 2]
        data = json.dumps(message, ensure_ascii=False).encode()
    return data


def send(delivery, subscription) -> str:
    if subscription is None:
        raise TransportError("The browser unsubscribed.", permanent=True, disables=False)
    info = {
        "endpoint": subscription.endpoint,
        "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
    }
    try:
        body = WebPusher(info).encode(payload_bytes(delivery.payload), "aes128gcm")["body"]
    except (WebPushException, ValueError, TypeError) as exc:
        # Keys a browser could not have made: nothing will ever decrypt for them.
        raise TransportError(
            "The subscription's keys are invalid.", permanent=True, disables=True
        ) from exc
    try:
        authorization = vapid.authorization(subscription.endpoint)
    except VapidException as exc:
        raise TransportError(
            "BATON_VAPID_SUBJECT must be a mailto: or https: contact.",
            permanent=True,
            disables=False,
        ) from exc
    response = request(
        "POST",
        subscription.endpoint,
        content=body,
        headers={
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
            "TTL": str(settings.BATON_PUSH_TTL),
            "Urgency": "high",
            "Authorization": authorization,
        },
    )
    if response.status_code in (404, 410):
        raise TransportError(
            f"The browser's subscription expired ({response.status_code}).",
            permanent=True,
            disables=True,
        )
    try:
        raise_for_status(response, service=SERVICE)
    except TransportError as exc:
        exc.disables = False  # a refused signature or a rejected message, not a gone browser
        raise
    return response.headers.get("Location", "")[-120:]
