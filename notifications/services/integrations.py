"""Account integrations: save, remove, and the "Send test" button.

Secrets (webhook URLs, private keys, client secrets) are stored apart from config,
shown back only masked, and kept when a form leaves the secret field blank, so an
admin can change the site URL without re-typing the private key.
"""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from notifications import transports
from notifications.models import Integration, IntegrationKind, slot_for_kind
from notifications.transports.http import TransportError
from troubleshoot.accounts.roles import is_admin_or_above
from troubleshoot.models import User

logger = logging.getLogger(__name__)

# kind -> (required config keys, required secret keys, keys that are URLs)
REQUIREMENTS = {
    IntegrationKind.SLACK: ((), ("webhook_url",), ("webhook_url",)),
    IntegrationKind.TEAMS: ((), ("webhook_url",), ("webhook_url",)),
    IntegrationKind.CONNECTWISE: (
        ("site", "company_id", "public_key", "client_id"),
        ("private_key",),
        ("site",),
    ),
    IntegrationKind.AUTOTASK: (
        ("zone_url", "username", "integration_code"),
        ("secret",),
        ("zone_url",),
    ),
    IntegrationKind.HALOPSA: (("url", "client_id"), ("client_secret",), ("url",)),
}
OPTIONAL_CONFIG = {IntegrationKind.HALOPSA: ("tenant",), IntegrationKind.AUTOTASK: ("note_type",)}


def validate_service_url(value: str, *, field: str) -> str:
    """An absolute https URL (http only where settings allow it, i.e. outside production).

    Raises ValidationError naming the field, with a sentence a person understands.
    """
    value = (value or "").strip()
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        parts, host = None, None
    if not parts or not host or any(c.isspace() for c in value):
        raise ValidationError({field: "Enter a complete URL, like https://example.com/…"})
    allowed = ("https", "http") if settings.BATON_ALLOW_HTTP_WEBHOOKS else ("https",)
    if parts.scheme not in allowed:
        raise ValidationError({field: "The URL must start with https://."})
    if parts.username or parts.password:
        raise ValidationError({field: "Put credentials in their own fields, not in the URL."})
    return value


def _require_admin(actor: User) -> None:
    if not is_admin_or_above(actor):
        raise PermissionDenied("Only admins and owners can change integrations.")


@transaction.atomic(durable=True)
def integration_save(*, actor: User, kind: str, config: dict, secrets: dict) -> Integration:
    """Create or replace the account's Slack, Teams or PSA connection and turn it on.

    Blank secrets keep the stored ones (same kind only). Saving re-enables an
    integration a permanent error had disabled: the admin has fixed it. Raises
    PermissionDenied for non-admins, ValidationError (per field) for bad input.
    """
    _require_admin(actor)
    if kind not in REQUIREMENTS:
        raise ValidationError({"kind": "Choose one of the listed integrations."})
    required_config, required_secrets, url_keys = REQUIREMENTS[kind]
    slot = slot_for_kind(kind)
    integration = (
        Integration.objects.select_for_update()
        .filter(account_id=actor.account_id, slot=slot)
        .first()
    ) or Integration(account_id=actor.account_id, kind=kind)
    kept_secrets = integration.secrets if integration.kind == kind else {}

    allowed_config = required_config + OPTIONAL_CONFIG.get(kind, ())
    clean_config = {k: str(config.get(k) or "").strip() for k in allowed_config}
    clean_secrets = {
        k: str(secrets.get(k) or "").strip() or kept_secrets.get(k, "") for k in required_secrets
    }
    errors = {}
    for key in required_config:
        if not clean_config[key]:
            errors[key] = "This field is required."
    for key in required_secrets:
        if not clean_secrets[key]:
            errors[key] = "This field is required."
    for key in url_keys:
        value = clean_config.get(key) or clean_secrets.get(key)
        if value and key not in errors:
            try:
                validate_service_url(value, field=key)
            except ValidationError as exc:
                errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)

    integration.kind = kind
    integration.config = clean_config
    integration.secrets = clean_secrets
    integration.enabled = True
    integration.disabled_reason = ""
    integration.disabled_at = None
    integration.save()
    return integration


@transaction.atomic(durable=True)
def integration_remove(*, actor: User, slot: str) -> bool:
    """Delete the slot's integration. Its pending deliveries end `disabled` when tried."""
    _require_admin(actor)
    deleted, _ = Integration.objects.filter(account_id=actor.account_id, slot=slot).delete()
    return bool(deleted)


def integration_send_test(*, actor: User, slot: str) -> tuple[bool, str]:
    """Post a test message (Slack, Teams) or check the credentials (PSA), right now.

    Runs outside any transaction (network I/O) and changes nothing: a failing test
    does not disable the integration, it only tells the admin why. Returns (ok,
    sentence). Raises PermissionDenied, Integration.DoesNotExist.
    """
    _require_admin(actor)
    integration = Integration.objects.get(account_id=actor.account_id, slot=slot)
    try:
        message = transports.send_test(integration)
    except TransportError as exc:
        logger.info("integration %s test failed", integration.pk)
        return False, exc.message
    return True, message
