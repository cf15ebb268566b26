"""Microsoft Teams Workflows webhook: one Adaptive Card (version 1.2).

Workflows answer 202 Accepted. 400/401/403/404 mean the workflow URL or its
trigger is broken: permanent, and the integration is disabled.
"""

import html
import re

from notifications.transports import http
from notifications.transports.http import TransportError

SERVICE = "Microsoft Teams"
CARD_TYPE = "application/vnd.microsoft.card.adaptive"

# Card text is Markdown: these would turn a summary into bold, a code span or a link
# (`[open](https://…)` pasted by anyone who can escalate). A backslash makes each one
# literal, as CommonMark defines.
_MARKDOWN_CONTROL = re.compile(r"([\\`*_\[\]~])")


def escape(text) -> str:
    """User text as inert card text: entities for `<` `>` `&` (Teams reads `<at>`
    mentions and decodes entities), backslashes before Markdown's control characters."""
    return _MARKDOWN_CONTROL.sub(r"\\\1", html.escape(str(text or ""), quote=False))


def build_message(facts: dict) -> dict:
    facts_list = [{"title": "Priority", "value": escape(facts.get("priority") or "normal")}]
    if facts.get("psa_ticket"):
        facts_list.append({"title": "Ticket", "value": f"#{escape(facts['psa_ticket'])}"})
    if facts.get("requester_name"):
        facts_list.append({"title": "From", "value": escape(facts["requester_name"])})
    if facts.get("target_name"):
        facts_list.append({"title": "For", "value": escape(facts["target_name"])})
    body = [
        {
            "type": "TextBlock",
            "text": escape(facts.get("title", "")),
            "weight": "Bolder",
            "size": "Medium",
            "wrap": True,
        }
    ]
    if facts.get("summary"):
        body.append({"type": "TextBlock", "text": escape(facts["summary"]), "wrap": True})
    body.append({"type": "FactSet", "facts": facts_list})
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.2",
        "body": body,
    }
    if facts.get("url"):
        card["actions"] = [
            {"type": "Action.OpenUrl", "title": "Open pickup screen", "url": facts["url"]}
        ]
    return {
        "type": "message",
        "attachments": [{"contentType": CARD_TYPE, "contentUrl": None, "content": card}],
    }


def post(webhook_url: str, message: dict) -> str:
    response = http.request("POST", webhook_url, json=message)
    if response.status_code == 400:
        raise TransportError(
            f"Teams rejected the message (400): {http.excerpt(response) or 'no reason given'}",
            permanent=True,
        )
    http.raise_for_status(response, service=SERVICE)
    return ""


def send(delivery, integration) -> str:
    return post(integration.secrets.get("webhook_url", ""), build_message(delivery.payload))


def send_test(integration) -> str:
    post(
        integration.secrets.get("webhook_url", ""),
        build_message({"title": "Baton test message", "summary": "Escalations will appear here."}),
    )
    return "Teams accepted the test message."
