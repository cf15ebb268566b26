"""Integration secrets are encrypted at rest: the database alone reveals none of them."""

import io
import json
import stat

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from notifications import encryption
from notifications.encryption import UnreadableSecrets
from notifications.models import Integration, IntegrationKind
from tests.factories import make_account
from tests.notifications.conftest import make_integration

OLD_KEY, NEW_KEY = Fernet.generate_key().decode(), Fernet.generate_key().decode()
BEFORE, AFTER = (
    ("notifications", "0001_initial"),
    ("notifications", "0002_encrypt_integration_secrets"),
)


def stored_secrets_column() -> list[str]:
    """The column as the database holds it (PostgreSQL hands jsonb back parsed)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT secrets FROM notifications_integration ORDER BY id")
        values = [row[0] for row in cursor.fetchall()]
    return [value if isinstance(value, str) else json.dumps(value) for value in values]


def test_a_raw_read_of_the_table_shows_no_secret(acme, fake_http):
    make_integration(acme, IntegrationKind.SLACK, fake_http)
    make_integration(acme, IntegrationKind.CONNECTWISE, fake_http)
    raw = " ".join(stored_secrets_column())
    for plain in (fake_http.url("/slack"), "priv-secret-9876", "webhook_url", "private_key"):
        assert plain not in raw
    slack, psa = Integration.objects.order_by("id")
    assert slack.secrets == {"webhook_url": fake_http.url("/slack")}
    assert psa.secrets == {"private_key": "priv-secret-9876"}


def test_dumpdata_carries_the_token_not_the_secret(acme, fake_http):
    make_integration(acme, IntegrationKind.CONNECTWISE, fake_http)
    out = io.StringIO()
    call_command("dumpdata", "notifications.integration", stdout=out)
    assert "priv-secret-9876" not in out.getvalue()
    token = json.loads(out.getvalue())[0]["fields"]["secrets"]
    assert encryption.decrypt(token) == {"private_key": "priv-secret-9876"}


def test_keys_rotate_new_key_first_then_reencrypt_then_drop_the_old(acme, fake_http, settings):
    settings.BATON_SECRET_KEYS = [OLD_KEY]
    make_integration(acme, IntegrationKind.CONNECTWISE, fake_http)
    settings.BATON_SECRET_KEYS = [NEW_KEY, OLD_KEY]
    assert Integration.objects.get().secrets["private_key"] == "priv-secret-9876"
    out = io.StringIO()
    call_command("reencrypt_secrets", stdout=out)
    assert "1 integration" in out.getvalue()
    settings.BATON_SECRET_KEYS = [NEW_KEY]
    assert Integration.objects.get().secrets["private_key"] == "priv-secret-9876"
    settings.BATON_SECRET_KEYS = [OLD_KEY]
    with pytest.raises(UnreadableSecrets, match="BATON_SECRET_KEYS"):
        Integration.objects.get()


def test_without_configured_keys_a_key_file_is_made_on_first_use(acme, settings, tmp_path):
    settings.BATON_SECRET_KEYS = []
    settings.BATON_SECRET_KEY_FILE = str(tmp_path / "data" / "baton-secret.key")
    key_file = tmp_path / "data" / "baton-secret.key"
    Integration.objects.create(
        account=acme, kind=IntegrationKind.SLACK, secrets={"webhook_url": "https://h/x"}
    )
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    token = stored_secrets_column()[0]
    plain = Fernet(key_file.read_text().strip().encode()).decrypt(token.encode())
    assert json.loads(plain) == {"webhook_url": "https://h/x"}
    assert Integration.objects.get().secrets == {"webhook_url": "https://h/x"}
    assert list(key_file.parent.iterdir()) == [key_file]  # no temporary file left


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_rows_saved_in_plain_json():
    account = make_account("Legacy MSP")
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        old_apps = executor.loader.project_state([BEFORE]).apps
        OldIntegration = old_apps.get_model("notifications", "Integration")
        OldIntegration.objects.create(
            account_id=account.pk,
            kind="connectwise",
            slot="psa",
            config={"site": "https://cw.example.com"},
            secrets={"private_key": "legacy-private-key"},
        )
        assert "legacy-private-key" in stored_secrets_column()[0]
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert "legacy-private-key" not in stored_secrets_column()[0]
    migrated = Integration.objects.get()
    assert migrated.secrets == {"private_key": "legacy-private-key"}
    assert migrated.config == {"site": "https://cw.example.com"}


@pytest.mark.django_db(transaction=True)
def test_the_migration_reverses_to_plain_json():
    Integration.objects.create(
        account=make_account("Undo MSP"), kind="slack", secrets={"webhook_url": "https://h/x"}
    )
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([BEFORE])
        assert json.loads(stored_secrets_column()[0]) == {"webhook_url": "https://h/x"}
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert Integration.objects.get().secrets == {"webhook_url": "https://h/x"}


WEBHOOK_BEFORE = ("notifications", "0003_webhooks")


def stored_webhook_secrets() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM notifications_webhook ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_a_webhooks_signing_secret_is_a_token_in_the_table(acme):
    from notifications.models import Webhook

    Webhook.objects.create(account=acme, url="https://h/x", events=[], secret="whsec-plain")
    [stored] = stored_webhook_secrets()
    assert "whsec-plain" not in stored and stored.startswith("gAAAA")
    assert Webhook.objects.get().secret == "whsec-plain"


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_webhook_secrets_saved_in_plain():
    account = make_account("Hooked MSP")
    executor = MigrationExecutor(connection)
    executor.migrate([WEBHOOK_BEFORE])
    try:
        old_apps = executor.loader.project_state([WEBHOOK_BEFORE]).apps
        OldWebhook = old_apps.get_model("notifications", "Webhook")
        OldWebhook.objects.create(account_id=account.pk, url="https://h/x", secret="whsec-old")
        assert stored_webhook_secrets() == ["whsec-old"]
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert "whsec-old" not in stored_webhook_secrets()[0]
    from notifications.models import Webhook

    assert Webhook.objects.get().secret == "whsec-old"
