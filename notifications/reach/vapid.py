"""The VAPID key pair (RFC 8292) that signs every Web Push request.

Production reads BATON_VAPID_PRIVATE_KEY (required there). Elsewhere, when it is
unset, a key is generated on first use into BATON_VAPID_KEY_FILE (mode 0600, beside
the SQLite database), so embedded mode needs no set-up and every process of one
checkout signs with the same key. Browsers subscribed with the public half stay
subscribed only while the key is kept: a new key means subscribing again.
"""

import base64
import functools
import time
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from py_vapid import Vapid02

from notifications.key_files import key_in_file

# Push services accept tokens valid for at most 24 h; a shorter one limits replay.
TOKEN_SECONDS = 12 * 60 * 60


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def new_private_key() -> str:
    """A fresh private key as raw 32 bytes in url-safe base64 (the env's format)."""
    vapid = Vapid02()
    vapid.generate_keys()
    number = vapid.private_key.private_numbers().private_value
    return b64url(number.to_bytes(32, "big"))


def private_key_text() -> str:
    return settings.BATON_VAPID_PRIVATE_KEY or key_in_file(
        Path(settings.BATON_VAPID_KEY_FILE), new_private_key
    )


@functools.lru_cache(maxsize=4)
def _vapid(key_text: str) -> Vapid02:
    return Vapid02.from_string(private_key=key_text)


def signer() -> Vapid02:
    return _vapid(private_key_text())


def public_key() -> str:
    """The applicationServerKey browsers subscribe with: the uncompressed P-256 point."""
    point = signer().public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(point)


def authorization(endpoint: str) -> str:
    """`vapid t=<JWT>,k=<public key>` for one push service (the JWT's audience is the
    endpoint's origin)."""
    parts = urlsplit(endpoint)
    claims = {
        "aud": f"{parts.scheme}://{parts.netloc}",
        "exp": int(time.time()) + TOKEN_SECONDS,
        "sub": settings.BATON_VAPID_SUBJECT,
    }
    return signer().sign(claims)["Authorization"]
