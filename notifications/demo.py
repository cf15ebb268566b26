"""Demo notifications: preferences and a few bell lines so the bell is not empty.

Idempotent: preferences are get_or_create; bell rows carry a demo event_key, which
the unique (recipient, event_key) constraint keeps to one each.
"""

from django.db import transaction

from notifications.models import (
    EmailPreference,
    Integration,
    IntegrationKind,
    Notification,
    NotificationPreference,
)
from troubleshoot.models import Account, User

# The demo juniors only want mail about escalations sent to them.
TARGETED_ONLY = {"jane@northwind.example", "jim@northwind.example", "jill@bluebird.example"}
WELCOME_KEY = "demo-welcome"


@transaction.atomic
def seed(out) -> None:
    created = 0
    for account in Account.objects.filter(slug__in=["northwind", "bluebird"]):
        for user in User.objects.members_of(account.pk):
            targeted = user.email in TARGETED_ONLY
            choice = EmailPreference.TARGETED if targeted else EmailPreference.ALL
            NotificationPreference.objects.get_or_create(user=user, defaults={"email": choice})
            _, made = Notification.objects.get_or_create(
                recipient=user,
                event_key=WELCOME_KEY,
                defaults={
                    "account": account,
                    "kind": "welcome",
                    "title": "Welcome to Baton: escalations for your team will ring this bell",
                    "body": "Choose which escalations also reach you by email.",
                    "link": "/notifications/preferences/",
                },
            )
            created += made
    demo_psas = 0
    for account in Account.objects.filter(slug__in=["northwind", "bluebird"]):
        # The offline PSA stand-in, when the account has no PSA of its own: tickets
        # fill the new-session form, and resolving writes back (README, Two-way PSA).
        _, made = Integration.objects.get_or_create(
            account=account,
            slot="psa",
            defaults={
                "kind": IntegrationKind.DEMO_PSA,
                "config": {"time_entries": True, "resolved_status": "Resolved"},
            },
        )
        demo_psas += made
    out.write(
        f"  notifications: {created} new bell lines, preferences for every demo user, "
        f"{demo_psas} demo PSA connections"
    )
