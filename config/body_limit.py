"""Request-body limits enforced inside daphne, before a body is buffered.

daphne (through Twisted) stores the whole body of a request before it calls the ASGI
application, then hands it over in one go: a 200 MB POST to /login/ left the process
~200 MB larger for good (FIELD-NOTES), whatever Django's own upload limits say. So
the limit is checked where Twisted parses the request: a Content-Length over the limit
is refused as soon as the headers are in, and a chunked body is cut off as soon as it
passes the limit. Either way the client gets a 413 and nothing it sends is stored.

`python -m config.serve` installs this (see `install`); the plain `daphne` command
does not. HTTP/1.1 only: daphne speaks HTTP/2 only with Twisted's http2 extra, which
Baton does not install.
"""

import functools
import logging
from urllib.parse import unquote, urlsplit

import daphne.server
from daphne.http_protocol import HTTPFactory, WebRequest
from django.conf import settings

logger = logging.getLogger(__name__)

# After refusing, read and drop what the client still sends for this long before
# closing: a client that writes its whole body before reading (most HTTP libraries)
# then sees the 413 instead of a connection reset (nginx's "lingering close").
LINGER_SECONDS = 5.0


@functools.cache
def _route_limits() -> dict[str, int]:
    """Paths whose own limit replaces the general one. Built on first use, once Django
    is set up (daphne loads the application before it accepts a connection)."""
    from django.urls import reverse

    from troubleshoot.trees.import_export import IMPORT_MAX_BYTES

    # The import form posts a file of up to IMPORT_MAX_BYTES and/or pasted JSON of up to
    # IMPORT_MAX_BYTES characters (up to 4 bytes each in UTF-8), plus multipart framing.
    return {reverse("troubleshoot:tree_import"): 5 * IMPORT_MAX_BYTES + 64 * 1024}


def body_limit_for(raw_path: bytes, root_path: str = "") -> int:
    """The most bytes a request body to `raw_path` (as sent, maybe with a query) may have."""
    path = unquote(urlsplit(raw_path.decode("latin-1")).path)
    if root_path and path.startswith(root_path):
        path = path[len(root_path) :]
    return _route_limits().get(path, settings.BATON_MAX_REQUEST_BYTES)


def _too_large_response(limit: int) -> bytes:
    body = f"Request body too large: this address accepts at most {limit} bytes.\n".encode()
    head = (
        "HTTP/1.1 413 Content Too Large\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    return head + body


def _discard(*args) -> None:
    return None


class BodyLimitedWebRequest(WebRequest):
    """daphne's request, refusing a body over its path's limit before storing any of it."""

    _body_refused = False
    _linger_call = None

    def gotLength(self, length):
        # Called by the channel once all headers are in, before any body byte.
        channel = self.channel
        self._body_limit = body_limit_for(
            getattr(channel, "_path", b"/"), getattr(self.server, "root_path", "")
        )
        self._body_received = 0
        super().gotLength(length)
        if length is not None and length > self._body_limit:
            self._refuse_body(f"Content-Length {length}")

    def handleContentChunk(self, data):
        if self._body_refused:
            return
        self._body_received += len(data)
        if self._body_received > self._body_limit:
            self._refuse_body(f"over {self._body_limit} bytes received")
            return
        super().handleContentChunk(data)

    def requestReceived(self, command, path, version):
        if self._body_refused:  # the rest of a refused body arrived within one read
            return
        super().requestReceived(command, path, version)

    def _refuse_body(self, why: str) -> None:
        self._body_refused = True
        channel = self.channel
        transport = channel.transport
        peer = getattr(transport.getPeer(), "host", "?")
        logger.warning(
            "413: refused a request body (%s, limit %d): %s %s from %s",
            why,
            self._body_limit,
            getattr(channel, "_command", b"?").decode("latin-1"),
            getattr(channel, "_path", b"?").decode("latin-1")[:200],
            peer,
        )
        # Nothing more on this connection is parsed or stored: no "100 Continue", no
        # body, no pipelined request.
        channel.persistent = False
        channel._send100Continue = _discard
        channel.dataReceived = channel.lineReceived = channel.rawDataReceived = _discard
        channel.setTimeout(None)
        self.content.close()
        transport.write(_too_large_response(self._body_limit))
        # Send FIN once the 413 is out, keep reading (and dropping) for a while, then close.
        lose_write = getattr(transport, "loseWriteConnection", None)
        if lose_write is not None:
            lose_write()
        from twisted.internet import reactor  # the one config.serve installed

        self._linger_call = reactor.callLater(LINGER_SECONDS, transport.loseConnection)

    def connectionLost(self, reason):
        if self._linger_call is not None and self._linger_call.active():
            self._linger_call.cancel()
        super().connectionLost(reason)


class BodyLimitedHTTPFactory(HTTPFactory):
    def buildProtocol(self, addr):
        protocol = super().buildProtocol(addr)
        protocol.requestFactory = BodyLimitedWebRequest
        return protocol


def install() -> None:
    """Make daphne's server build its HTTP connections with BodyLimitedWebRequest.

    daphne has no hook for its request class: Server.run() builds `HTTPFactory` by the
    name daphne.server imported, so that name is the one replaced. Call before the
    server runs.
    """
    daphne.server.HTTPFactory = BodyLimitedHTTPFactory
