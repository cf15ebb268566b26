"""Integration secrets move from a plain JSON column to one Fernet token per row.

The plain column is renamed aside, the encrypted one added, every row copied across
(encrypting it), and the plain column dropped, so no plain copy stays behind.
Reversible: going back decrypts into a plain JSON column again.
"""

from django.db import migrations, models

import notifications.fields


def encrypt_existing(apps, schema_editor):
    Integration = apps.get_model("notifications", "Integration")
    for integration in Integration.objects.only("pk", "plain_secrets"):
        integration.secrets = integration.plain_secrets or {}
        integration.save(update_fields=["secrets"])


def decrypt_back(apps, schema_editor):
    Integration = apps.get_model("notifications", "Integration")
    for integration in Integration.objects.only("pk", "secrets"):
        integration.plain_secrets = integration.secrets or {}
        integration.save(update_fields=["plain_secrets"])


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(
            model_name="integration", old_name="secrets", new_name="plain_secrets"
        ),
        migrations.AddField(
            model_name="integration",
            name="secrets",
            field=notifications.fields.EncryptedJSONField(blank=True, default=dict),
        ),
        migrations.RunPython(encrypt_existing, decrypt_back),
        migrations.RemoveField(model_name="integration", name="plain_secrets"),
    ]
