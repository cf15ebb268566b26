"""Email through Django's configured backend (SMTP in production, console embedded).

One text + HTML message per recipient. SMTP 5xx answers for the address are
permanent for that delivery only; anything about the connection is transient.
"""

import smtplib
import time
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from notifications.transports import smtp_pool
from notifications.transports.http import TransportError


def _message_id() -> str:
    # An explicit domain: Django's default asks the resolver for our FQDN, which can
    # stall a worker for seconds on a machine without reverse DNS.
    return make_msgid(domain=urlsplit(settings.BATON_BASE_URL).hostname or "baton.local")


def build_message(*, to: str, subject: str, facts: dict) -> EmailMultiAlternatives:
    context = {"facts": facts, "subject": subject}
    text = render_to_string("notifications/email/notification.txt", context)
    html = render_to_string("notifications/email/notification.html", context)
    subject = " ".join(subject.split())  # headers are one line
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, [to], headers={"Message-ID": _message_id()}
    )
    message.attach_alternative(html, "text/html")
    return message


def _transport_error(exc: Exception) -> TransportError:
    """An SMTP failure as the ledger records it: 5xx for the address is permanent for
    that delivery only; anything about the connection is transient."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return TransportError(f"The mail server refused the address: {exc.recipients}", True)
    if isinstance(exc, smtplib.SMTPResponseException):
        detail = exc.smtp_error.decode(errors="replace") if exc.smtp_error else ""
        permanent = 500 <= exc.smtp_code < 600
        return TransportError(f"The mail server answered {exc.smtp_code} {detail}", permanent)
    return TransportError(f"Could not reach the mail server ({type(exc).__name__}).")


SMTP_ERRORS = (TimeoutError, smtplib.SMTPException, OSError)


def _timeout() -> float:
    return getattr(settings, "EMAIL_TIMEOUT", None) or settings.BATON_HTTP_TIMEOUT


def send_message(message: EmailMultiAlternatives) -> str:
    [result] = send_messages([message])
    if isinstance(result, TransportError):
        raise result
    return result


def send_messages(
    messages: list[EmailMultiAlternatives], *, stop_when_slow: bool = False
) -> list[str | TransportError]:
    """Send several messages over one connection, one after the other, each with its
    own outcome (its Message-ID, or the TransportError); never raises for a send.

    The connection comes from the process' pool (smtp_pool) and goes back to it open.
    A failure drops it, so the next message starts a fresh one. A pooled connection
    the server has closed meanwhile is replaced once, at its first message.
    With `stop_when_slow`, the sending stops (a shorter list comes back) as soon as the
    server's pace says the rest should go over more connections at once.
    """
    connection, reused = smtp_pool.checkout(_timeout())
    results: list[str | TransportError] = []
    try:
        for position, message in enumerate(messages):
            started = time.monotonic()
            try:
                try:
                    _send_on(connection, message)
                except smtplib.SMTPServerDisconnected:
                    if not (reused and position == 0):
                        raise
                    # Closed by the server while it idled in the pool: the message
                    # did not go; one fresh connection, then as usual.
                    smtp_pool.discard(connection)
                    connection, reused = smtp_pool.checkout(_timeout())
                    _send_on(connection, message)
            except SMTP_ERRORS as exc:
                results.append(_transport_error(exc))
                smtp_pool.discard(connection)  # the next message opens a fresh one
            else:
                results.append(message.extra_headers["Message-ID"])
                smtp_pool.note_message_seconds(time.monotonic() - started)
            remaining = len(messages) - position - 1
            if stop_when_slow and remaining and smtp_pool.connections_for(remaining) > 1:
                break
    finally:
        smtp_pool.checkin(connection)
    return results


def _send_on(connection, message: EmailMultiAlternatives) -> None:
    # Opened here (a no-op when it is open), not by send_messages, which would close a
    # connection it opened itself after the message: the next message reuses it.
    connection.open()
    connection.send_messages([message])


def message_for(delivery) -> EmailMultiAlternatives:
    return build_message(to=delivery.target, subject=delivery.subject, facts=delivery.payload)


def send(delivery, integration=None) -> str:
    return send_message(message_for(delivery))
