"""Plain factory functions for tests (no factory library: a few lines each)."""

import itertools

from allauth.account.models import EmailAddress

from troubleshoot.models import Account, Role, Team, User

PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)


def make_account(name: str | None = None, **extra) -> Account:
    n = next(_seq)
    name = name or f"Account {n}"
    return Account.objects.create(name=name, slug=f"acct-{n}", **extra)


def make_team(account: Account, name: str | None = None) -> Team:
    return Team.objects.create(account=account, name=name or f"Team {next(_seq)}")


def make_user(
    account: Account | None,
    role: str = Role.ENGINEER,
    *,
    name: str | None = None,
    email: str | None = None,
    team: Team | None = None,
    **extra,
) -> User:
    n = next(_seq)
    user = User.objects.create_user(
        email or f"user{n}@example.test",
        PASSWORD,
        display_name=name or f"User {n}",
        account=account,
        team=team,
        role=role,
        **extra,
    )
    # A person who has confirmed their address, as everyone who logs in has.
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user
