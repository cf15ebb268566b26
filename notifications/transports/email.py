"""Email through Django's configured backend (SMTP in production, console embedded).

One text + HTML message per recipient. SMTP 5xx answers for the address are
permanent for that delivery only; anything about the connection is transient.
"""

import contextlib
import smtplib
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string

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
    try:
        connection = get_connection(timeout=_timeout())
        connection.send_messages([message])
    except SMTP_ERRORS as exc:
        raise _transport_error(exc) from exc
    return message.extra_headers["Message-ID"]


def send_messages(messages: list[EmailMultiAlternatives]) -> list[str | TransportError]:
    """Send several messages over one connection, one after the other, each with its
    own outcome (its Message-ID, or the TransportError). A failure closes the
    connection, so the next message starts a fresh one; never raises for a send."""
    connection = get_connection(timeout=_timeout())
    results: list[str | TransportError] = []
    try:
        for message in messages:
            try:
                # Opened here, not by send_messages (which would close it again
                # after the message): the next message reuses it.
                connection.open()
                connection.send_messages([message])
                results.append(message.extra_headers["Message-ID"])
            except SMTP_ERRORS as exc:
                results.append(_transport_error(exc))
                with contextlib.suppress(Exception):  # a broken one is dropped anyway
                    connection.close()
                connection.connection = None  # the next message opens a fresh one
    finally:
        with contextlib.suppress(Exception):  # closing a dead connection: nothing to save
            connection.close()
    return results


def message_for(delivery) -> EmailMultiAlternatives:
    return build_message(to=delivery.target, subject=delivery.subject, facts=delivery.payload)


def send(delivery, integration=None) -> str:
    return send_message(message_for(delivery))
