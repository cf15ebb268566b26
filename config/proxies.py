"""Forwarded headers are believed only from the reverse proxies Baton is told about.

Django takes the scheme from X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER, production
mode) from whoever sends it: a client talking to daphne directly could claim HTTPS.
This middleware, first in the chain, drops X-Forwarded-* and Forwarded (and the header
SECURE_PROXY_SSL_HEADER names) unless the direct peer is listed in
BATON_TRUSTED_PROXIES: addresses or networks, and `unix` for a proxy on daphne's unix
socket (no peer address). daphne's own --proxy-headers must stay off: it would replace
the peer address with one the client sent.
"""

import functools
import ipaddress

from asgiref.sync import iscoroutinefunction
from django.conf import settings
from django.utils.decorators import sync_and_async_middleware

UNIX_SOCKET = "unix"


def parse_trusted_proxies(entries: list[str]) -> tuple:
    """Networks for the entries (`unix` kept as is); ValueError names a bad entry."""
    parsed = []
    for entry in entries:
        if entry == UNIX_SOCKET:
            parsed.append(entry)
            continue
        try:
            parsed.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(f"{entry!r} is not an IP address or network") from None
    return tuple(parsed)


@functools.cache
def _trusted(entries: tuple[str, ...]) -> tuple:
    return parse_trusted_proxies(list(entries))


def is_trusted_proxy(peer: str | None) -> bool:
    trusted = _trusted(tuple(settings.BATON_TRUSTED_PROXIES))
    if not peer:
        return UNIX_SOCKET in trusted
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return False
    return any(address in net for net in trusted if net != UNIX_SOCKET)


def _drop_forwarded_headers_unless_trusted(request) -> None:
    if is_trusted_proxy(request.META.get("REMOTE_ADDR")):
        return
    ssl_header = (settings.SECURE_PROXY_SSL_HEADER or ("",))[0]
    for key in [
        key
        for key in request.META
        if key.startswith(("HTTP_X_FORWARDED_", "HTTP_FORWARDED")) or key == ssl_header
    ]:
        del request.META[key]


@sync_and_async_middleware
def trusted_proxy_middleware(get_response):
    if iscoroutinefunction(get_response):

        async def middleware(request):
            _drop_forwarded_headers_unless_trusted(request)
            return await get_response(request)

    else:

        def middleware(request):
            _drop_forwarded_headers_unless_trusted(request)
            return get_response(request)

    return middleware
