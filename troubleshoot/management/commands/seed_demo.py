"""Load demo data: each installed Baton app's `demo.seed(out)`, in INSTALLED_APPS order.

The base app seeds people; later apps add trees, sessions and handoffs. Idempotent.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.test.utils import override_settings

BATON_APPS = ["troubleshoot", "notifications", "handoffs"]


class Command(BaseCommand):
    help = "Create demo accounts, people, trees, sessions and handoffs (safe to re-run)."

    def handle(self, *args, **options):
        from troubleshoot.demo import logins_table

        self.stdout.write(settings.BATON_MODE_DESCRIPTION)
        # Embedded mode runs tasks on threads a short command would not wait for:
        # run them inline here so demo assessments and deliveries are complete. The
        # demo's own notification emails are kept off the console, so the logins below
        # stay readable (they are still in the delivery ledger, marked sent).
        with override_settings(
            BATON_TASKS_IN_THREAD=False,
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        ):
            for label in BATON_APPS:
                if not apps.is_installed(label) or find_spec(f"{label}.demo") is None:
                    continue
                import_module(f"{label}.demo").seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(logins_table())
        self.stdout.write(f"Open {settings.BATON_BASE_URL}/ and log in.")
