"""Small readers for environment variables, so settings stay declarative."""

import base64
import binascii
import os
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured


class MissingSetting(ImproperlyConfigured):
    """A variable production mode needs is not set; manage.py and asgi print it plainly."""


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = env(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = env(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def require(name: str, why: str) -> str:
    value = env(name)
    if not value:
        raise MissingSetting(f"{name} is not set; {why}")
    return value


FERNET_KEY_HINT = (
    'make one with: python -c "from cryptography.fernet import Fernet; '
    'print(Fernet.generate_key().decode())"'
)


def fernet_keys(name: str, value: str) -> list[str]:
    """Comma-separated Fernet keys (32 bytes, url-safe base64), checked at start-up so a
    typo stops the process instead of failing at the first integration it reads."""
    keys = [key.strip() for key in value.split(",") if key.strip()]
    for number, key in enumerate(keys, start=1):
        try:
            valid = len(base64.urlsafe_b64decode(key.encode("ascii"))) == 32
        except (binascii.Error, UnicodeEncodeError, ValueError):
            valid = False
        if not valid:
            raise ImproperlyConfigured(
                f"{name}: key {number} is not a Fernet key; {FERNET_KEY_HINT}"
            )
    return keys


def require_base_url(name: str, why: str) -> str:
    """A required absolute http(s) URL with a host, e.g. https://baton.example.com."""
    value = require(name, why).rstrip("/")
    parsed = urlparse(value)
    if parsed.scheme not in {"http", "https"} or not parsed.hostname:
        raise MissingSetting(f"{name} must be an absolute URL like https://baton.example.com")
    if parsed.query or parsed.fragment:
        raise MissingSetting(f"{name} must be a plain URL without ? or # parts")
    return value


def email_settings_from_url(url: str) -> dict:
    """Turn smtp://user:pass@host:587?tls=1 (or smtps:// for implicit TLS) into settings."""
    parsed = urlparse(url)
    if parsed.scheme not in {"smtp", "smtps"}:
        raise ImproperlyConfigured(f"EMAIL_URL must start with smtp:// or smtps://, got {url!r}")
    query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    use_ssl = parsed.scheme == "smtps"
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parsed.hostname or "localhost",
        "EMAIL_PORT": parsed.port or (465 if use_ssl else 25),
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_SSL": use_ssl,
        "EMAIL_USE_TLS": query.get("tls", "0").lower() in {"1", "true", "yes"},
        "EMAIL_TIMEOUT": int(query.get("timeout", "10")),
    }
