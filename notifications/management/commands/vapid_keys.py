"""Print a new VAPID key pair for Web Push: BATON_VAPID_PRIVATE_KEY and its public half."""

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from notifications.reach import vapid


class Command(BaseCommand):
    help = "Print a new VAPID private key (BATON_VAPID_PRIVATE_KEY) and its public key."

    def handle(self, *args, **options):
        private = vapid.new_private_key()
        with override_settings(BATON_VAPID_PRIVATE_KEY=private):
            public = vapid.public_key()
        self.stdout.write(f"BATON_VAPID_PRIVATE_KEY={private}\n")
        self.stdout.write(f"# public key (browsers receive it from Baton): {public}\n")
