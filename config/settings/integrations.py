"""Integration, Web Push and availability settings, imported by base.py.
PRODUCTION and SQLITE_PATH come from base.py, which reads them first."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config.settings.env import env, env_bool, env_int, require


def integration_settings(*, PRODUCTION: bool, SQLITE_PATH: str) -> dict:  # noqa: N803
    """The settings below, as a dict for base.py's globals()."""
    BATON_HTTP_TIMEOUT = float(env("BATON_HTTP_TIMEOUT", "10"))
    # Webhook URLs must be https in production; tests and the bench talk to local fakes.
    BATON_ALLOW_HTTP_WEBHOOKS = env_bool("BATON_ALLOW_HTTP_WEBHOOKS", not PRODUCTION)
    # Integrations connect to public internet hosts only (notifications/transports/
    # addresses.py). The fakes of the tests and the bench listen on 127.0.0.1, so their
    # settings allow private hosts; nothing else does unless told, and production never.
    BATON_ALLOW_PRIVATE_INTEGRATION_HOSTS = env_bool("BATON_ALLOW_PRIVATE_INTEGRATION_HOSTS", False)
    if PRODUCTION and BATON_ALLOW_PRIVATE_INTEGRATION_HOSTS:
        raise ImproperlyConfigured(
            "BATON_ALLOW_PRIVATE_INTEGRATION_HOSTS is set; production mode never lets Slack, "
            "Teams or PSA connections reach private or local addresses (unset it)"
        )
    # Without BATON_SECRET_KEYS (embedded mode, tests), the key that encrypts integration
    # secrets is generated on first use into this file (mode 0600, git-ignored), beside
    # the SQLite database; every process of one checkout shares it.
    BATON_SECRET_KEY_FILE = env(
        "BATON_SECRET_KEY_FILE", str(Path(SQLITE_PATH).parent / "baton-secret.key")
    )

    # Web Push (notifications/reach/vapid.py): the VAPID key pair that signs each push,
    # its public half given to browsers when they subscribe. Production requires the
    # private key (raw 32 bytes, url-safe base64, or DER) and a contact (mailto: or https:)
    # push services may write to; elsewhere a key is generated on first use into
    # BATON_VAPID_KEY_FILE beside the database, like the secrets key above.
    if PRODUCTION:
        BATON_VAPID_PRIVATE_KEY = require(
            "BATON_VAPID_PRIVATE_KEY",
            "production mode signs Web Push messages with it; make one with: "
            "python manage.py vapid_keys",
        )
        BATON_VAPID_SUBJECT = require(
            "BATON_VAPID_SUBJECT",
            "push services need a contact for Web Push, e.g. mailto:ops@example.com",
        )
    else:
        BATON_VAPID_PRIVATE_KEY = env("BATON_VAPID_PRIVATE_KEY")
        BATON_VAPID_SUBJECT = env("BATON_VAPID_SUBJECT", "mailto:baton@localhost")
    BATON_VAPID_KEY_FILE = env(
        "BATON_VAPID_KEY_FILE", str(Path(SQLITE_PATH).parent / "baton-vapid.key")
    )
    # How long a push service keeps a message for an offline browser (seconds).
    BATON_PUSH_TTL = env_int("BATON_PUSH_TTL", 60 * 60)
    # Availability lapses to away when no Baton tab saw its person active for this long.
    BATON_AWAY_AFTER_MINUTES = env_int("BATON_AWAY_AFTER_MINUTES", 10)
    return {
        k: v for k, v in locals().items() if k.isupper() and k not in ("PRODUCTION", "SQLITE_PATH")
    }
