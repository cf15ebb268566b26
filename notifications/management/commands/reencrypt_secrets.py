"""`manage.py reencrypt_secrets`: the middle step of a key rotation (see README, Security)."""

from django.core.management.base import BaseCommand

from notifications.services.integrations import integration_secrets_reencrypt


class Command(BaseCommand):
    help = "Encrypt all integration secrets again with the first key of BATON_SECRET_KEYS."

    def handle(self, *args, **options):
        count = integration_secrets_reencrypt()
        self.stdout.write(f"Re-encrypted the secrets of {count} integration(s).")
