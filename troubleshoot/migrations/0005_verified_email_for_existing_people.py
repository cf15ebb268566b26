"""People who existed before allauth keep logging in: their address is verified.

allauth's mandatory email verification looks for a verified EmailAddress row; people
created before it have none, and their address was accepted by the sign-up or the
admin who added them then. Their passwords and sessions are untouched.
"""

from django.db import migrations


def add_verified_addresses(apps, schema_editor):
    User = apps.get_model("troubleshoot", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    have = set(EmailAddress.objects.values_list("user_id", flat=True))
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=user_id, email=email.lower(), verified=True, primary=True)
            for user_id, email in User.objects.values_list("pk", "email")
            if user_id not in have
        ],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("troubleshoot", "0004_account_mfa_policy_sso_join_domain"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(add_verified_addresses, migrations.RunPython.noop)]
