"""A fake Web Push service (RFC 8030) on 127.0.0.1: a real HTTP server that checks
what a real one checks, and decrypts what it received as the browser would.

Each `device()` is a browser: its own P-256 key pair and auth secret, and an
endpoint on this server. A push must carry Content-Encoding: aes128gcm, a TTL, an
`Authorization: vapid t=<JWT>,k=<key>` whose ES256 signature verifies and whose
audience is this server's origin, and at most 4096 bytes of body; the body must
decrypt with the device's keys. Otherwise it answers 400 (and records why). An
expired device answers 410 Gone, as push services do for dropped subscriptions.

    with FakePushService() as push:
        phone = push.device()
        ... subscribe phone.subscription ...
        assert push.messages[0].payload["title"].startswith("Escalation")
"""

import base64
import json
import os
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02

from tests.fakes.http_fakes import ThreadedFakeServer, _Server

MAX_BODY = 4096


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Device:
    name: str
    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes
    expired: bool = False
    # The applicationServerKey the browser subscribed with; pushes signed with another
    # key are refused (403), as real push services do. None: any key.
    server_key: str | None = None

    @property
    def subscription(self) -> dict:
        """What the browser's PushSubscription.toJSON() gives (flattened keys)."""
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": self.endpoint,
            "p256dh": _b64url(public),
            "auth": _b64url(self.auth_secret),
        }


@dataclass
class PushMessage:
    device: str
    headers: dict
    body_size: int
    payload: dict = field(default_factory=dict)


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, reason = self.server.fake._receive(self.path, headers, body)
        payload = reason.encode()
        self.send_response(status)
        if status == 201:
            self.send_header(
                "Location", f"{self.server.fake.base_url}/message/{os.urandom(6).hex()}"
            )
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):
        return


class FakePushService(ThreadedFakeServer):
    handler_class = _Handler

    def __init__(self):
        self.devices: dict[str, Device] = {}
        self.messages: list[PushMessage] = []
        self.rejections: list[str] = []
        self._lock = threading.Lock()

    def device(self, name: str = "") -> Device:
        name = name or f"device-{len(self.devices) + 1}"
        device = Device(
            name=name,
            endpoint=f"{self.base_url}/push/{name}",
            private_key=ec.generate_private_key(ec.SECP256R1()),
            auth_secret=os.urandom(16),
        )
        self.devices[name] = device
        return device

    def expire(self, device: Device) -> None:
        """The browser dropped this subscription: later pushes get 410 Gone."""
        device.expired = True

    def _receive(self, path: str, headers: dict, body: bytes) -> tuple[int, str]:
        name = path.rsplit("/", 1)[-1]
        device = self.devices.get(name) if path.startswith("/push/") else None
        if device is None:
            return 404, "no such subscription"
        if device.expired:
            return 410, "subscription expired"
        problem = self._problem(headers, body)
        key = headers.get("authorization", "").rsplit("k=", 1)[-1]
        if not problem and device.server_key is not None and key != device.server_key:
            with self._lock:
                self.rejections.append("VAPID key does not match the subscription")
            return 403, "VAPID key does not match the subscription"
        if problem:
            with self._lock:
                self.rejections.append(problem)
            return 400, problem
        try:
            plain = http_ece.decrypt(
                body,
                private_key=device.private_key,
                auth_secret=device.auth_secret,
                version="aes128gcm",
            )
            payload = json.loads(plain)
        except Exception as exc:  # anything a browser could not read
            with self._lock:
                self.rejections.append(f"undecryptable: {type(exc).__name__}")
            return 400, "payload does not decrypt"
        with self._lock:
            self.messages.append(PushMessage(name, headers, len(body), payload))
        return 201, ""

    def _problem(self, headers: dict, body: bytes) -> str:
        if headers.get("content-encoding") != "aes128gcm":
            return "Content-Encoding must be aes128gcm"
        if not headers.get("ttl", "").isdigit():
            return "TTL header missing"
        if len(body) > MAX_BODY:
            return f"payload too large ({len(body)} bytes)"
        auth = headers.get("authorization", "")
        if not auth.lower().startswith("vapid "):
            return "Authorization must be vapid t=...,k=..."
        try:
            valid = Vapid02.verify(auth)
        except Exception:
            valid = False
        if not valid:
            return "VAPID signature does not verify"
        token = dict(part.split("=", 1) for part in auth.split(" ", 1)[1].split(","))["t"]
        claims = json.loads(_b64url_decode(token.split(".")[1]))
        if claims.get("aud") != self.base_url:
            return f"VAPID audience {claims.get('aud')!r} is not this service"
        if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
            return "VAPID subject must be mailto: or https:"
        return ""
