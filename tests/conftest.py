"""Shared fixtures: two accounts, alice/bob/charlie style.

Account A (acme): owner Olga, admin Adam, engineers Alice (junior) and Sam (senior),
viewer Vic. Account B (globex): engineer Charlie, who must never see A's things.
"""

import os
import time

import pytest
from django.db import connection

from tests.factories import make_account, make_team, make_user
from troubleshoot.models import Role


@pytest.fixture
def acme(db):
    return make_account("Acme MSP")


@pytest.fixture
def globex(db):
    return make_account("Globex IT")


@pytest.fixture
def acme_team(acme):
    return make_team(acme, "Service Desk")


@pytest.fixture
def owner(acme, acme_team):
    return make_user(acme, Role.OWNER, name="Olga Owner", team=acme_team)


@pytest.fixture
def admin(acme, acme_team):
    return make_user(acme, Role.ADMIN, name="Adam Admin", team=acme_team)


@pytest.fixture
def alice(acme, acme_team):
    return make_user(acme, Role.ENGINEER, name="Alice Junior", team=acme_team)


@pytest.fixture
def sam(acme, acme_team):
    return make_user(acme, Role.ENGINEER, name="Sam Senior", team=acme_team)


@pytest.fixture
def viewer(acme, acme_team):
    return make_user(acme, Role.VIEWER, name="Vic Viewer", team=acme_team)


@pytest.fixture
def charlie(globex):
    return make_user(globex, Role.ENGINEER, name="Charlie Other")


BACKEND = "troubleshoot.accounts.auth_backends.EmailBackend"


def login(client, user, *, recently_reauthenticated: bool = True):
    """Log the client in; by default as if the password was just typed again, so
    views behind allauth's re-authentication (role changes, integrations) answer."""
    client.force_login(user, backend=BACKEND)
    if recently_reauthenticated:
        session = client.session
        session["account_authentication_methods"] = [
            {"method": "password", "at": time.time(), "email": user.email, "reauthenticated": True}
        ]
        session["account_authentication_methods_user"] = str(user.pk)
        session.save()
    return client


@pytest.fixture
def client_for(client):
    """client_for(user) -> a test client logged in as that user."""
    from django.test import Client

    def make(user):
        return login(Client(), user)

    return make


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def database_url_for_subprocess() -> str:
    """DATABASE_URL of the test database, for a server or worker process a test starts."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


requires_postgres = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL: set DATABASE_URL=postgres://... (.ci/run does)",
)
requires_redis = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="needs Redis: set REDIS_URL=redis://... (.ci/run does)",
)


@pytest.fixture
def api_for(db):
    """api_for(user) -> a DRF test client sending a fresh personal token of that user."""
    from rest_framework.test import APIClient

    from troubleshoot.accounts.tokens import token_create

    def make(user, name: str = "test script"):
        _, raw = token_create(actor=user, name=name)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        client.raw_token = raw
        return client

    return make


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """The API's and sign-in's rate limits count in the caches (this process' memory in
    tests); each test starts with none counted."""
    from django.conf import settings
    from django.core.cache import caches

    caches[settings.BATON_API_THROTTLE_CACHE].clear()
    caches["default"].clear()
    yield


@pytest.fixture(autouse=True)
def _no_pooled_smtp_connections():
    """SMTP connections a test's sends left open (the worker's pool) are closed after
    it, and the next test starts without the last one's mail-server pace."""
    yield
    from notifications.transports import smtp_pool

    smtp_pool.close_all()
