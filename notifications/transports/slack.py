"""Slack incoming webhook: a `text` fallback plus Block Kit blocks.

Slack answers 200 `ok`. A 404, 410 or 400 naming a dead token, channel or
workspace means the webhook is gone (permanent, disable the integration); other
400s are about one message and fail only that delivery.
"""

from notifications.transports import http
from notifications.transports.http import TransportError

SERVICE = "Slack"
# Slack's documented webhook errors that mean "this URL will never work again".
DEAD_WEBHOOK_ERRORS = {
    "invalid_token",
    "no_service",
    "no_service_id",
    "no_team",
    "team_disabled",
    "channel_not_found",
    "channel_is_archived",
    "action_prohibited",
}


def escape(text) -> str:
    """Slack's mrkdwn escaping: user text can neither inject links nor mentions."""
    return str(text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def build_message(facts: dict) -> dict:
    title = escape(facts.get("title", ""))
    fields = [f"*Priority:* {escape(facts.get('priority') or 'normal')}"]
    if facts.get("psa_ticket"):
        fields.append(f"*Ticket:* #{escape(facts['psa_ticket'])}")
    if facts.get("requester_name"):
        fields.append(f"*From:* {escape(facts['requester_name'])}")
    if facts.get("target_name"):
        fields.append(f"*For:* {escape(facts['target_name'])}")
    blocks = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*{title}*"}},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": f} for f in fields]},
    ]
    if facts.get("summary"):
        summary = escape(facts["summary"])[:2900]
        blocks.insert(1, {"type": "section", "text": {"type": "mrkdwn", "text": summary}})
    if facts.get("url"):
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "Open pickup screen"},
                        "url": facts["url"],
                        "style": "primary",
                    }
                ],
            }
        )
    return {"text": title, "blocks": blocks}


def post(webhook_url: str, message: dict) -> str:
    response = http.request("POST", webhook_url, json=message)
    body = http.excerpt(response)
    if response.status_code == 400:
        dead = body in DEAD_WEBHOOK_ERRORS
        raise TransportError(
            f"Slack rejected the message (400): {body or 'no reason given'}",
            permanent=True,
            disables=dead,
        )
    http.raise_for_status(response, service=SERVICE)
    return ""  # Slack webhooks return no message id


def send(delivery, integration) -> str:
    return post(integration.secrets.get("webhook_url", ""), build_message(delivery.payload))


def send_test(integration) -> str:
    post(
        integration.secrets.get("webhook_url", ""),
        {"text": "Baton test message: escalations from your team will appear here."},
    )
    return "Slack accepted the test message."
