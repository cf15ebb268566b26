"""The websocket's Origin check: only a page of this site may open /ws/events/.

Channels' AllowedHostsOriginValidator compares the Origin's host name alone, so a page
on http://baton.example:8080 (another service on the same host, or plain http beside
https) could open a socket with the visitor's cookie. Here the whole origin must match:
scheme, host and port, as the browser's same-origin rule has it.
"""

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin_tuple(origin: str) -> tuple[str, str, int] | None:
    try:
        parts = urlsplit(origin)
        port = parts.port
    except ValueError:  # a port that is not a number, a malformed host
        return None
    scheme = (parts.scheme or "").lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port or DEFAULT_PORTS[scheme]


def _own_origin(scope) -> tuple[str, str, int] | None:
    """The origin of a page served by the host this socket asked for: the Host header
    (checked against ALLOWED_HOSTS, as Django checks it for pages) with http for ws:// and
    https for wss://."""
    headers = dict(scope.get("headers") or [])
    host = headers.get(b"host", b"").decode("latin-1")
    domain, port = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return None
    scheme = "https" if scope.get("scheme") == "wss" else "http"
    return scheme, domain, int(port) if port.isdigit() else DEFAULT_PORTS[scheme]


def origin_allowed(scope) -> bool:
    headers = dict(scope.get("headers") or [])
    origin = _origin_tuple(headers.get(b"origin", b"").decode("latin-1"))
    if origin is None:  # browsers always send one; a missing or malformed one is refused
        return False
    if origin == _own_origin(scope):
        return True
    # Behind a TLS-terminating proxy the socket arrives as ws:// while the page is
    # https://: the deployment lists its public origin, as Django's CSRF check needs too.
    trusted = {_origin_tuple(o) for o in settings.CSRF_TRUSTED_ORIGINS}
    return origin in trusted


class SameOriginValidator:
    """ASGI middleware: refuse a websocket whose Origin is not this site's."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not origin_allowed(scope):
            denier = WebsocketDenier()
            return await denier(scope, receive, send)
        return await self.application(scope, receive, send)
