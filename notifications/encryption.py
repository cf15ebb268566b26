"""Integration secrets encrypted at rest, with Fernet (AES-128-CBC plus HMAC-SHA256).

A copy of the database alone (a dump, a backup, a read-only SQL login) then shows
no webhook URL, private key or client secret: the key lives outside the database.

Keys: settings.BATON_SECRET_KEYS (env BATON_SECRET_KEYS, comma-separated). The first
encrypts, every one decrypts, so a key is rotated by putting a new one first, running
`manage.py reencrypt_secrets`, then dropping the old one. Production mode requires
the variable. Elsewhere, when it is unset, one key is generated on first use into
settings.BATON_SECRET_KEY_FILE, so embedded mode needs no set-up and its database
file alone still reveals nothing.
"""

import functools
import json
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from notifications.key_files import key_in_file


class UnreadableSecrets(ImproperlyConfigured):
    """Stored secrets that none of the configured keys decrypts: a key was removed
    or replaced before `reencrypt_secrets` ran, or the key file was lost."""


def keys() -> tuple[str, ...]:
    configured = tuple(settings.BATON_SECRET_KEYS)
    if configured:
        return configured
    return (key_in_file(Path(settings.BATON_SECRET_KEY_FILE), _new_fernet_key),)


@functools.lru_cache(maxsize=4)
def _fernet(key_list: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in key_list])


def encrypt(data: dict) -> str:
    return _fernet(keys()).encrypt(json.dumps(data).encode()).decode("ascii")


def decrypt(token: str) -> dict:
    """Raises UnreadableSecrets when no configured key fits."""
    try:
        plain = _fernet(keys()).decrypt(token.encode("ascii"))
    except (InvalidToken, UnicodeEncodeError) as exc:
        raise UnreadableSecrets(
            "Stored integration secrets cannot be decrypted with the configured keys "
            "(BATON_SECRET_KEYS, or the key file when it is unset): was a key removed?"
        ) from exc
    return json.loads(plain)


def _new_fernet_key() -> str:
    return Fernet.generate_key().decode()
