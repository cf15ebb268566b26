"""Outgoing webhooks' signing secrets move to one Fernet token per row, as the
integrations' secrets did in 0002: renamed aside, copied across encrypted, dropped."""

from django.db import migrations

import notifications.fields


def encrypt_existing(apps, schema_editor):
    Webhook = apps.get_model("notifications", "Webhook")
    for webhook in Webhook.objects.only("pk", "plain_secret"):
        webhook.secret = webhook.plain_secret
        webhook.save(update_fields=["secret"])


def decrypt_back(apps, schema_editor):
    Webhook = apps.get_model("notifications", "Webhook")
    for webhook in Webhook.objects.only("pk", "secret"):
        webhook.plain_secret = webhook.secret
        webhook.save(update_fields=["plain_secret"])


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_webhooks"),
    ]

    operations = [
        migrations.RenameField(model_name="webhook", old_name="secret", new_name="plain_secret"),
        migrations.AddField(
            model_name="webhook",
            name="secret",
            field=notifications.fields.EncryptedTextField(default=""),
            preserve_default=False,
        ),
        migrations.RunPython(encrypt_existing, decrypt_back),
        migrations.RemoveField(model_name="webhook", name="plain_secret"),
    ]
