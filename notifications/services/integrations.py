"""Account integrations: save, remove, and the "Send test" button.

Secrets (webhook URLs, private keys, client secrets) are stored apart from config,
encrypted (see notifications/encryption.py), and shown back only masked. A blank
secret keeps the stored one only while the integration keeps its kind and address:
otherwise an admin could point a PSA at a host of their choosing and have Baton send
it the saved private key.
"""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from notifications import transports
from notifications.models import PSA_KINDS, Integration, IntegrationKind, slot_for_kind
from notifications.services.integration_urls import validate_psa_base_url, validate_service_url
from notifications.services.psa_writeback import WRITEBACK_KEYS
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
ADDRESS_CHANGED = (
    "The API URL changed: type the secret again (a saved secret is never sent to a new address)."
)


def _require_admin(actor: User) -> None:
    if not is_admin_or_above(actor):
        raise PermissionDenied("Only admins and owners can change integrations.")


def _address(kind: str, config: dict) -> str:
    """Where the secret is sent. A webhook URL is itself the secret (a blank one keeps
    that same URL); a PSA's secret goes to its API URL."""
    _, _, url_keys = REQUIREMENTS[kind]
    return "".join(str(config.get(k) or "") for k in url_keys).strip().rstrip("/").lower()


def _merged_secrets(
    *, kind: str, config: dict, typed: dict, current: Integration | None
) -> tuple[dict, dict]:
    """The secrets to store (typed ones, blanks filled from `current` when it is the
    same kind at the same address) and an error for each one still missing."""
    stored = current.secrets if current is not None and current.kind == kind else {}
    keeps = bool(stored) and _address(kind, current.config) == _address(kind, config)
    merged, errors = {}, {}
    for key, value in typed.items():
        merged[key] = value or (stored.get(key, "") if keeps else "")
        if not merged[key]:
            errors[key] = ADDRESS_CHANGED if stored.get(key) else "This field is required."
    return merged, errors


def _url_errors(kind: str, config: dict, secrets: dict, skip: dict) -> dict:
    errors = {}
    for key in REQUIREMENTS[kind][2]:
        value = config.get(key) or secrets.get(key)
        if not value or key in skip:
            continue
        try:
            if kind in PSA_KINDS:
                validate_psa_base_url(value, field=key, kind=kind)
            else:
                validate_service_url(value, field=key)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    return errors


def integration_save(*, actor: User, kind: str, config: dict, secrets: dict) -> Integration:
    """Create or replace the account's Slack, Teams or PSA connection and turn it on.

    Blank secrets keep the stored ones (same kind, same address only). Typed URLs are
    checked first, outside any transaction (the check looks the host up in DNS).
    Saving re-enables an integration a permanent error had disabled: the admin has
    fixed it. Raises PermissionDenied for non-admins, ValidationError (per field) for
    bad input.
    """
    _require_admin(actor)
    if kind not in REQUIREMENTS:
        raise ValidationError({"kind": "Choose one of the listed integrations."})
    required_config, required_secrets, _ = REQUIREMENTS[kind]
    allowed_config = required_config + OPTIONAL_CONFIG.get(kind, ())
    clean_config = {k: str(config.get(k) or "").strip() for k in allowed_config}
    typed = {k: str(secrets.get(k) or "").strip() for k in required_secrets}

    current = Integration.objects.filter(
        account_id=actor.account_id, slot=slot_for_kind(kind)
    ).first()
    _, errors = _merged_secrets(kind=kind, config=clean_config, typed=typed, current=current)
    for key in required_config:
        if not clean_config[key]:
            errors[key] = "This field is required."
    errors.update(_url_errors(kind, clean_config, typed, skip=errors))
    if errors:
        raise ValidationError(errors)
    return _integration_store(actor=actor, kind=kind, config=clean_config, typed=typed)


@transaction.atomic(durable=True)
def _integration_store(*, actor: User, kind: str, config: dict, typed: dict) -> Integration:
    integration = (
        Integration.objects.select_for_update()
        .filter(account_id=actor.account_id, slot=slot_for_kind(kind))
        .first()
    )
    # Merged again under the lock: the row may have changed since the checks.
    secrets, errors = _merged_secrets(kind=kind, config=config, typed=typed, current=integration)
    if errors:
        raise ValidationError(errors)
    # The write-back choices (psa_writeback.py) are saved apart; new credentials keep them.
    kept = {
        k: integration.config[k] for k in WRITEBACK_KEYS if integration and k in integration.config
    }
    integration = integration or Integration(account_id=actor.account_id)
    integration.kind = kind
    integration.config = {**config, **kept}
    integration.secrets = secrets
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


@transaction.atomic(durable=True)
def integration_secrets_reencrypt() -> int:
    """Encrypt every integration's secrets again with the first key of
    BATON_SECRET_KEYS, after a new key was put first; then the old key can go.
    Raises UnreadableSecrets when a row fits none of the keys. Returns the row count."""
    integrations = list(Integration.objects.select_for_update().only("pk", "secrets"))
    for integration in integrations:
        Integration.objects.filter(pk=integration.pk).update(secrets=integration.secrets)
    return len(integrations)
