"""Email through Django's configured backend (SMTP in production, console embedded).

One text + HTML message per recipient. SMTP 5xx answers for the address are
permanent for that delivery only; anything about the connection is transient.
"""

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


def send_message(message: EmailMultiAlternatives) -> str:
    timeout = getattr(settings, "EMAIL_TIMEOUT", None) or settings.BATON_HTTP_TIMEOUT
    try:
        connection = get_connection(timeout=timeout)
        connection.send_messages([message])
    except smtplib.SMTPRecipientsRefused as exc:
        raise TransportError(
            f"The mail server refused the address: {exc.recipients}", True
        ) from exc
    except smtplib.SMTPResponseException as exc:
        detail = exc.smtp_error.decode(errors="replace") if exc.smtp_error else ""
        permanent = 500 <= exc.smtp_code < 600
        raise TransportError(
            f"The mail server answered {exc.smtp_code} {detail}", permanent
        ) from exc
    except (TimeoutError, smtplib.SMTPException, OSError) as exc:
        raise TransportError(f"Could not reach the mail server ({type(exc).__name__}).") from exc
    return message.extra_headers["Message-ID"]


def send(delivery, integration=None) -> str:
    return send_message(
        build_message(to=delivery.target, subject=delivery.subject, facts=delivery.payload)
    )
