"""Loading the bench's data fast: bulk inserts, one password hash for everyone, and
logged-in session cookies minted directly (no login round trips)."""

import itertools
import secrets

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session as DjangoSession
from django.utils import timezone

from notifications.models import (
    EmailPreference,
    Integration,
    IntegrationKind,
    NotificationPreference,
)
from troubleshoot.models import Account, Role, Team, User
from troubleshoot.sessions.models import Session, SessionKind

BACKEND = "troubleshoot.accounts.auth_backends.EmailBackend"
_seq = itertools.count(1)
_password = None


def password_hash() -> str:
    global _password
    if _password is None:
        _password = make_password("bench-password-2026")
    return _password


def make_account(name: str) -> tuple[Account, Team]:
    n = next(_seq)
    account = Account.objects.create(name=name, slug=f"bench-{n}")
    return account, Team.objects.create(account=account, name=f"{name} desk")


def make_users(account, team, role: str, count: int, label: str, *, email_pref=None) -> list:
    tag = next(_seq)
    users = User.objects.bulk_create(
        [
            User(
                email=f"{label}{i}.{tag}@bench.example",
                display_name=f"{label.title()} {i}",
                account=account,
                team=team,
                role=role,
                password=password_hash(),
            )
            for i in range(count)
        ]
    )
    if email_pref:
        NotificationPreference.objects.bulk_create(
            [NotificationPreference(user=u, email=email_pref) for u in users]
        )
    return users


def make_seniors_quiet(account, team, count: int, label: str = "senior") -> list:
    """Engineers who get bell rows and live events but asked for no escalation email."""
    return make_users(account, team, Role.ENGINEER, count, label, email_pref=EmailPreference.NONE)


def make_sessions(user, count: int, *, ticket: str = "") -> list[Session]:
    now = timezone.now()
    return Session.objects.bulk_create(
        [
            Session(
                account_id=user.account_id,
                user=user,
                team_id=user.team_id,
                kind=SessionKind.CHAT,
                problem_summary=f"Outlook stopped syncing for user {i} at the client",
                client_name="Contoso Dental",
                psa_ticket=ticket,
                status="active",
                created_at=now,
                last_activity_at=now,
            )
            for i in range(count)
        ]
    )


def add_integrations(account, fakes) -> None:
    Integration.objects.create(
        account=account,
        kind=IntegrationKind.SLACK,
        secrets={"webhook_url": fakes.http.url("/slack")},
    )
    Integration.objects.create(
        account=account,
        kind=IntegrationKind.CONNECTWISE,
        config={
            "site": fakes.http.base_url,
            "company_id": "bench",
            "public_key": "pub",
            "client_id": "cid",
        },
        secrets={"private_key": "bench-secret"},
    )


def session_cookies(users) -> dict[int, str]:
    """{user id: sessionid} for logged-in sessions, inserted in one statement."""
    expiry = timezone.now() + timezone.timedelta(days=1)
    rows, keys = [], {}
    for user in users:
        store = SessionStore()
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: BACKEND,
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        key = secrets.token_hex(16)
        rows.append(
            DjangoSession(session_key=key, session_data=store.encode(data), expire_date=expiry)
        )
        keys[user.pk] = key
    DjangoSession.objects.bulk_create(rows, batch_size=1000)
    return keys


CSRF = "benchcsrftoken0123456789abcdefAB"  # 32 chars: Django accepts the raw secret


def cookie_header(session_key: str) -> str:
    return f"sessionid={session_key}; csrftoken={CSRF}"
