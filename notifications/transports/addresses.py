"""Where integrations may connect: public internet addresses only.

An admin types the Slack, Teams or PSA URL, so without this check "Send test" would
make the server talk to its own Redis, PostgreSQL, the cloud metadata service or
anything else on the private network, and show the admin the answer. The check runs
twice: when a URL is saved (a form error naming the problem) and at every connect,
inside the connection itself: the host is resolved once, every address is checked,
and the socket goes to a checked address, so a DNS answer that changes in between
(rebinding) gains nothing. TLS still verifies the certificate against the host name
and the Host header is unchanged: only the TCP connect is redirected.

settings.BATON_ALLOW_PRIVATE_INTEGRATION_HOSTS lifts the refusal for tests and the
bench, whose fakes listen on 127.0.0.1; production mode refuses to start with it.
"""

import ipaddress
import socket

import httpcore
import httpx
from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Well-known NAT64 prefix: 64:ff9b::a.b.c.d reaches the IPv4 address a.b.c.d.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class BlockedAddress(Exception):
    """The host resolves to an address integrations must not reach."""


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, 6to4, Teredo, NAT64,
    IPv4-compatible), which is where a packet to it ends up."""
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]
    if ip in _NAT64 or int(ip) >> 32 == 0:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public(ip: IPAddress) -> bool:
    """True for a globally routable unicast address; False for loopback, private,
    link-local, multicast, reserved, unspecified, shared (CGNAT), documentation and
    site-local addresses, and for IPv6 forms of any of those IPv4 addresses."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None and not is_public(embedded):
            return False
        if ip.is_site_local:
            return False
    flagged = (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )
    return ip.is_global and not flagged


def resolve(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to, each checked (unless the setting allows
    private hosts). One non-public address refuses the host as a whole: a name that
    answers with a public and a private address is a rebinding attempt or a mistake.

    Raises BlockedAddress, or socket.gaierror when the name does not resolve.
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not settings.BATON_ALLOW_PRIVATE_INTEGRATION_HOSTS:
        for address in addresses:
            if not is_public(ipaddress.ip_address(address)):
                # Which address is not said: it would map the internal network.
                raise BlockedAddress(
                    "The host is on a private or local network; Baton only connects "
                    "to public internet hosts."
                )
    return addresses


class PublicAddressBackend(httpcore.SyncBackend):
    """httpcore's socket backend, connecting only to addresses `resolve` checked."""

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        try:
            addresses = resolve(host, port)
        except OSError as exc:  # socket.gaierror: the name does not resolve
            raise httpcore.ConnectError(f"could not resolve the host ({exc})") from exc
        failure: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        raise failure or httpcore.ConnectError("the host has no address")


class PublicAddressTransport(httpx.HTTPTransport):
    """httpx's own transport (request and error mapping) over a connection pool whose
    every connection goes through PublicAddressBackend. Proxies from the environment
    are not used: a proxy would make the connection, and check nothing."""

    def __init__(self, *, ssl_context):
        # HTTPTransport keeps all its state in `_pool`; its __init__ would only build a
        # default pool, without a way to pass a network backend.
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context, network_backend=PublicAddressBackend()
        )
