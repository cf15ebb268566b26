"""Outbound transports, one module per integration, behind one small interface.

    send(delivery, integration) -> external id ("" when the service gives none)
    send_test(integration) -> a sentence for the settings page

Both raise `TransportError` (see http.py) and nothing else on a failed send.
"""

from importlib import import_module

from notifications.models import Channel, IntegrationKind
from notifications.transports.http import TransportError

MODULES = {
    IntegrationKind.SLACK: "notifications.transports.slack",
    IntegrationKind.TEAMS: "notifications.transports.teams",
    IntegrationKind.CONNECTWISE: "notifications.transports.psa.connectwise",
    IntegrationKind.AUTOTASK: "notifications.transports.psa.autotask",
    IntegrationKind.HALOPSA: "notifications.transports.psa.halopsa",
    IntegrationKind.DEMO_PSA: "notifications.transports.psa.demo",
}

__all__ = ["TransportError", "send", "send_test"]


def send(delivery, integration) -> str:
    if delivery.channel == Channel.EMAIL:
        return import_module("notifications.transports.email").send(delivery)
    if delivery.channel == Channel.PUSH:
        return import_module("notifications.transports.webpush").send(
            delivery, delivery.push_subscription
        )
    if delivery.channel == Channel.WEBHOOK:
        return import_module("notifications.transports.webhook").send(delivery, delivery.webhook)
    if integration is None:
        raise TransportError("The integration was removed.", permanent=True, disables=False)
    return import_module(MODULES[integration.kind]).send(delivery, integration)


def send_test(integration) -> str:
    return import_module(MODULES[integration.kind]).send_test(integration)


def psa_module(integration):
    """The PSA's module, for a ticket lookup (`lookup`) or its web link (`ticket_url`)."""
    return import_module(MODULES[integration.kind])
