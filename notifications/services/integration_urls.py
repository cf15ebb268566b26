"""Which URLs an integration may be saved with.

Every URL: absolute, https (http only where settings allow it, i.e. outside
production), no credentials in it, and a host on the public internet (looked up
now for a clear form error; checked again at every connect, see
transports/addresses.py). A PSA's API URL is also only the server's address: Baton
appends the API paths itself, and a `?`, `#` or extra path would let the URL choose
where the credentials go on that server.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

from notifications.models import IntegrationKind
from notifications.transports import addresses

# The path a PSA's API URL may have (compared lower-case, without a trailing slash).
PSA_PATHS = {
    IntegrationKind.CONNECTWISE: "",
    IntegrationKind.HALOPSA: "",
    IntegrationKind.AUTOTASK: "/atservicesrest",
}
PSA_EXAMPLES = {
    IntegrationKind.CONNECTWISE: "https://api-na.myconnectwise.net",
    IntegrationKind.HALOPSA: "https://you.halopsa.com",
    IntegrationKind.AUTOTASK: "https://webservices5.autotask.net/ATServicesRest",
}
NOT_IN_A_PSA_URL = "?#%;\\"


def validate_service_url(value: str, *, field: str) -> str:
    """Raises ValidationError naming the field, with a sentence a person understands."""
    value = (value or "").strip()
    try:
        parts = urlsplit(value)
        host, port = parts.hostname, parts.port
    except ValueError:
        parts, host, port = None, None, None
    if not parts or not host or any(c.isspace() for c in value):
        raise ValidationError({field: "Enter a complete URL, like https://example.com/…"})
    allowed = ("https", "http") if settings.BATON_ALLOW_HTTP_WEBHOOKS else ("https",)
    if parts.scheme not in allowed:
        raise ValidationError({field: "The URL must start with https://."})
    if parts.username or parts.password:
        raise ValidationError({field: "Put credentials in their own fields, not in the URL."})
    if not settings.BATON_ALLOW_PRIVATE_INTEGRATION_HOSTS:
        _check_host(host, port or (443 if parts.scheme == "https" else 80), field=field)
    return value


def _check_host(host: str, port: int, *, field: str) -> None:
    try:
        addresses.resolve(host, port)
    except addresses.BlockedAddress as exc:
        raise ValidationError({field: str(exc)}) from exc
    except (OSError, UnicodeError) as exc:  # no such name, or not one DNS can hold
        raise ValidationError(
            {field: f"Baton could not find the host {host[:100]}; check the URL."}
        ) from exc


def validate_psa_base_url(value: str, *, field: str, kind: str) -> str:
    value = validate_service_url(value, field=field)
    example = PSA_EXAMPLES[kind]
    if any(c in value for c in NOT_IN_A_PSA_URL):
        raise ValidationError(
            {field: f"Enter only the server's address, like {example}, without ? # % ; or \\."}
        )
    if urlsplit(value).path.rstrip("/").lower() != PSA_PATHS[kind]:
        raise ValidationError(
            {field: f"Enter only the server's address, like {example}: Baton adds the API path."}
        )
    return value
