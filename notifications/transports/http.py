"""The one HTTP helper every integration uses: explicit timeouts, one error type.

Integrations turn answers into `TransportError`s the delivery ledger understands:
transient (retry later, maybe after Retry-After) or permanent (stop; and usually
disable the integration, because every later send would fail the same way).

URLs never appear in messages or logs: a webhook URL is a credential. What a remote
server answered appears only as a short excerpt with odd characters escaped: it is
shown to admins and stored in the ledger, and the server is not ours.

Every connection goes to a public address only (see addresses.py).
"""

import functools
from email.utils import parsedate_to_datetime

import httpx
from django.conf import settings
from django.utils import timezone

from notifications.transports.addresses import BlockedAddress, PublicAddressTransport

USER_AGENT = "Baton-notifications/1.0"
# Enough for "invalid_token" or a PSA's one-sentence reason; not enough to page
# through whatever a server sends back.
ERROR_EXCERPT = 100


class TransportError(Exception):
    """A send that did not succeed.

    permanent: retrying will not help. disables: the integration itself is broken
    (defaults to `permanent`; a PSA's 404 for one ticket is permanent but does not
    disable). maybe_delivered: the request may have reached the server (a read
    timeout), which matters for sends that must never be repeated.
    """

    def __init__(
        self,
        message: str,
        permanent: bool = False,
        retry_after: float | None = None,
        *,
        disables: bool | None = None,
        maybe_delivered: bool = False,
    ):
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.retry_after = retry_after
        self.disables = permanent if disables is None else disables
        self.maybe_delivered = maybe_delivered


def timeout(seconds: float | None = None) -> httpx.Timeout:
    seconds = settings.BATON_HTTP_TIMEOUT if seconds is None else seconds
    return httpx.Timeout(seconds, connect=min(seconds, 5.0))


@functools.cache
def tls_context():
    """One verifying TLS context per process. Building one loads the CA bundle, which
    took 25 ms of CPU per send when every request made its own (bench/, figure 1)."""
    return httpx.create_ssl_context()


def request(
    method: str, url: str, *, timeout_seconds: float | None = None, **kwargs
) -> httpx.Response:
    """Send one request with Baton's timeouts; network failures become TransportError.

    Any HTTP status comes back as a response: callers look at their own special
    cases first, then call `raise_for_status`. timeout_seconds: a shorter limit for
    a request a person waits on (a ticket lookup), instead of BATON_HTTP_TIMEOUT.
    """
    seconds = settings.BATON_HTTP_TIMEOUT if timeout_seconds is None else timeout_seconds
    headers = {"User-Agent": USER_AGENT, **kwargs.pop("headers", {})}
    try:
        with httpx.Client(
            transport=PublicAddressTransport(ssl_context=tls_context()),
            timeout=timeout(seconds),
            follow_redirects=False,
            trust_env=False,  # no proxies or .netrc credentials from the environment
        ) as client:
            return client.request(method, url, headers=headers, **kwargs)
    except BlockedAddress as exc:
        raise TransportError(str(exc), permanent=True) from exc
    except httpx.ConnectTimeout as exc:
        raise TransportError("Timed out connecting to the server.") from exc
    except httpx.TimeoutException as exc:
        raise TransportError(f"No answer within {seconds:g} s.", maybe_delivered=True) from exc
    except httpx.ConnectError as exc:
        raise TransportError("Could not connect to the server.") from exc
    except httpx.UnsupportedProtocol as exc:
        raise TransportError("The URL is not an http(s) URL.", permanent=True) from exc
    except httpx.HTTPError as exc:
        # Reading or writing failed mid-way: the server may have seen the request.
        raise TransportError(
            f"Connection failed ({type(exc).__name__}).", maybe_delivered=True
        ) from exc


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After is seconds or an HTTP date; anything else is ignored."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - timezone.now()).total_seconds())


def clip(text: str) -> str:
    """A remote server's words, safe to show: whitespace collapsed, anything not
    printable written as an escape (\\x1b, \\u202e), at most ERROR_EXCERPT characters.
    Pages escape HTML as usual; this keeps terminal codes, direction overrides and
    walls of text out of messages, logs and the ledger."""
    text = " ".join(str(text).split())
    text = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)
    return text if len(text) <= ERROR_EXCERPT else text[: ERROR_EXCERPT - 1] + "…"


def excerpt(response: httpx.Response) -> str:
    return clip(response.text)


def raise_for_status(response: httpx.Response, *, service: str) -> None:
    """Map an HTTP status to success (return) or a TransportError (raise)."""
    status = response.status_code
    if 200 <= status < 300:
        return
    detail = excerpt(response)
    said = f": {detail}" if detail else ""
    if status == 429:
        raise TransportError(
            f"{service} is rate limiting (429){said}",
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
        )
    if status >= 500:
        raise TransportError(
            f"{service} had a server error ({status}){said}",
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
        )
    if status in (401, 403):
        raise TransportError(f"{service} refused the credentials ({status}){said}", permanent=True)
    if status in (404, 410):
        raise TransportError(f"{service} does not know this address ({status}){said}", True)
    if 300 <= status < 400:
        raise TransportError(f"{service} answered with a redirect ({status}).", permanent=True)
    raise TransportError(f"{service} rejected the request ({status}){said}", permanent=True)


def json_or_empty(response: httpx.Response):
    try:
        return response.json()
    except ValueError:
        return {}
