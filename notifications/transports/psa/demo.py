"""The demo PSA: an offline stand-in with a handful of tickets and no network.

`make run` seeds it into a demo account that has no PSA, so starting a session from
a ticket and the write-back on resolve can be shown without a real ConnectWise,
Autotask or HaloPSA. Every page that shows it says "demo PSA". Its writes go through
the same Delivery ledger as a real PSA's; they only stay here (the PSA id is made
up), and its ticket link is a local page listing what Baton wrote to the ticket.
Ticket 40404 does not exist, to show what an unknown ticket looks like.
"""

from notifications.transports.http import TransportError
from notifications.transports.psa import OP_NOTE, Ticket, dispatch, ticket_id

SERVICE = "Demo PSA"
# The demo's sessions and handoffs use these tickets (troubleshoot, handoffs demo.py).
TICKETS = {
    12345: Ticket(
        ticket="12345",
        summary="Outlook is failing to sync email for the finance mailbox",
        company="Contoso Ltd",
        contact="Megan Bowen",
        priority="Priority 2 - High",
        status="New",
    ),
    12346: Ticket(
        ticket="12346",
        summary="Front-desk printer shows offline for everyone",
        company="Fabrikam Legal",
        contact="Alex Wilber",
        priority="Priority 3 - Medium",
        status="In Progress",
    ),
    12347: Ticket(
        ticket="12347",
        summary="VPN drops every few minutes for remote staff",
        company="Northwind Traders",
        contact="Diego Siciliani",
        priority="Priority 1 - Critical",
        status="New",
    ),
    12377: Ticket(
        ticket="12377",
        summary="Reception printer shows offline after the router swap",
        company="Northwind Traders",
        contact="Lynne Robbins",
        priority="Priority 3 - Medium",
        status="In Progress",
    ),
    48199: Ticket(
        ticket="48199",
        summary="New hire locked out of MFA after changing phones",
        company="Contoso Dental",
        contact="Isaiah Langer",
        priority="Priority 2 - High",
        status="New",
    ),
    48213: Ticket(
        ticket="48213",
        summary="Outlook is failing to sync email for the whole finance team",
        company="Contoso Dental",
        contact="Megan Bowen",
        priority="Priority 1 - Critical",
        status="New",
    ),
    48250: Ticket(
        ticket="48250",
        summary="VPN connects but no internal sites resolve for remote sales",
        company="Fabrikam Logistics",
        contact="Pradeep Gupta",
        priority="Priority 3 - Medium",
        status="New",
    ),
}


def _known(ticket: str) -> int:
    number = ticket_id(ticket, service=SERVICE)
    if number not in TICKETS:
        raise TransportError(
            f"The demo PSA has no ticket #{number} (try 12345, 12346 or 12347).",
            permanent=True,
            disables=False,
        )
    return number


def _write(delivery, integration) -> str:
    number = _known(delivery.payload.get("ticket") or delivery.target)
    op = delivery.payload.get("op") or OP_NOTE
    return f"demo-{op}-{number}-{delivery.pk}"


def send(delivery, integration) -> str:
    return dispatch(delivery, integration, note=_write, time_entry=_write, status=_write)


def lookup(integration, ticket: str) -> Ticket:
    return TICKETS[_known(ticket)]


def ticket_url(integration, ticket: str) -> str:
    return f"/psa/demo/tickets/{int(ticket)}/"


def send_test(integration) -> str:
    return "The demo PSA is offline and always answers; connect a real PSA to replace it."
