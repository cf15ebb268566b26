"""Demo people: two accounts so tenant isolation is visible on first run.

Every seeder in Baton is idempotent: it looks rows up by a natural key and creates
only what is missing, so running seed_demo twice changes nothing.
"""

from allauth.account.models import EmailAddress
from django.db import transaction

from troubleshoot.accounts.models import Account, MfaPolicy, Role, Team, User

DEMO_PASSWORD = "baton-demo-2026"

# (slug, name, domain, teams, people: (local part, display name, role, team index))
# Northwind requires no second factor, so its demo logins work at once; Bluebird
# requires one of its admins and owners (they enrol at their first login).
DEMO_MFA_POLICY = {"northwind": MfaPolicy.OFF, "bluebird": MfaPolicy.ADMINS}
DEMO_ACCOUNTS = [
    (
        "northwind",
        "Northwind MSP",
        "northwind.example",
        ["Service Desk", "Infrastructure"],
        [
            ("olivia", "Olivia Owner", Role.OWNER, 0),
            ("adam", "Adam Admin", Role.ADMIN, 0),
            ("sara", "Sara Senior", Role.ENGINEER, 0),
            ("sam", "Sam Senior", Role.ENGINEER, 1),
            ("jane", "Jane Junior", Role.ENGINEER, 0),
            ("jim", "Jim Junior", Role.ENGINEER, 1),
            ("vera", "Vera Viewer", Role.VIEWER, 0),
        ],
    ),
    (
        "bluebird",
        "Bluebird IT",
        "bluebird.example",
        ["Helpdesk", "Projects"],
        [
            ("oscar", "Oscar Owner", Role.OWNER, 0),
            ("alma", "Alma Admin", Role.ADMIN, 0),
            ("sofia", "Sofia Senior", Role.ENGINEER, 0),
            ("seth", "Seth Senior", Role.ENGINEER, 1),
            ("jill", "Jill Junior", Role.ENGINEER, 0),
            ("joe", "Joe Junior", Role.ENGINEER, 1),
            ("vic", "Vic Viewer", Role.VIEWER, 1),
        ],
    ),
]
OPERATOR_EMAIL = "ops@baton.example"
# Each demo account reads its times in a zone of its own, so the zones show on first run.
DEMO_ZONES = {"northwind": "America/New_York", "bluebird": "Europe/London"}


def _verified(user: User) -> None:
    """Demo people log in at once: their (made-up) address counts as confirmed."""
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


def demo_email(local: str, domain: str) -> str:
    return f"{local}@{domain}"


@transaction.atomic
def seed_people(out) -> list[tuple[Account, str]]:
    """Create the demo accounts, teams and people; answer each account with its domain."""
    for slug, name, domain, team_names, people in DEMO_ACCOUNTS:
        account, _ = Account.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "time_zone": DEMO_ZONES[slug],
                "mfa_policy": DEMO_MFA_POLICY[slug],
            },
        )
        teams = [Team.objects.get_or_create(account=account, name=t)[0] for t in team_names]
        for local, display, role, team_index in people:
            email = demo_email(local, domain)
            if not User.all_objects.filter(email=email).exists():
                _verified(
                    User.objects.create_user(
                        email,
                        DEMO_PASSWORD,
                        display_name=display,
                        account=account,
                        team=teams[team_index],
                        role=role,
                    )
                )
    if not User.all_objects.filter(email=OPERATOR_EMAIL).exists():
        _verified(User.objects.create_superuser(OPERATOR_EMAIL, DEMO_PASSWORD))
    out.write(f"  people: {User.objects.count()} users in {Account.objects.count()} accounts")
    return [(Account.objects.get(slug=slug), domain) for slug, _, domain, _, _ in DEMO_ACCOUNTS]


def logins_table() -> str:
    lines = [f"Demo logins (password for all: {DEMO_PASSWORD})"]
    for slug, name, domain, _, people in DEMO_ACCOUNTS:
        mfa = DEMO_MFA_POLICY[slug].label.lower()
        lines.append(f"  {name} (two-factor: {mfa}):")
        for local, display, role, _ in people:
            lines.append(f"    {demo_email(local, domain):28} {display:14} {role}")
    lines.append(f"  Django admin (platform operator): {OPERATOR_EMAIL}")
    return "\n".join(lines)
