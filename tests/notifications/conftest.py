"""Fixtures for the notifications tests: a fake HTTP server and configured integrations."""

import pytest
from django.db import transaction

from config.celery import app as celery_app
from notifications.models import Integration, IntegrationKind, NotificationPreference
from notifications.services import notify_escalation
from tests.fakes.http_fakes import FakeHTTPServer


@pytest.fixture
def fake_http():
    with FakeHTTPServer() as server:
        yield server


@pytest.fixture
def short_timeout(settings):
    settings.BATON_HTTP_TIMEOUT = 0.5
    return settings


def make_integration(account, kind, fake, **config) -> Integration:
    """An enabled integration of `kind` pointing at the fake server."""
    paths = {
        IntegrationKind.SLACK: ({}, {"webhook_url": fake.url("/slack")}),
        IntegrationKind.TEAMS: ({}, {"webhook_url": fake.url("/teams")}),
        IntegrationKind.CONNECTWISE: (
            {
                "site": fake.base_url,
                "company_id": "acme",
                "public_key": "pub123",
                "client_id": "client-uuid",
            },
            {"private_key": "priv-secret-9876"},
        ),
        IntegrationKind.AUTOTASK: (
            {
                "zone_url": fake.url("/ATServicesRest"),
                "username": "api@acme",
                "integration_code": "CODE1",
            },
            {"secret": "at-secret-5555"},
        ),
        IntegrationKind.HALOPSA: (
            {"url": fake.base_url, "client_id": "halo-client"},
            {"client_secret": "halo-secret-4321"},
        ),
    }
    base_config, secrets = paths[kind]
    return Integration.objects.create(
        account=account, kind=kind, config={**base_config, **config}, secrets=secrets
    )


def set_email_preference(user, choice: str) -> None:
    NotificationPreference.objects.update_or_create(user=user, defaults={"email": choice})


def escalate(requester, *, event_key="handoff-1-created", target=None, ticket="12345", **extra):
    """Call notify_escalation the way handoffs does: inside its own transaction."""
    args = {
        "account_id": requester.account_id,
        "event_key": event_key,
        "requester_id": requester.pk,
        "requester_name": requester.display_name,
        "target_user_id": target.pk if target else None,
        "session_id": 7,
        "problem_summary": "Outlook is failing to sync email for the whole finance team",
        "psa_ticket": ticket,
        "priority": "high",
        "link_path": "/sessions/7/pickup/",
        "documentation": "Checked OST size; rebuilt profile; still failing.",
    }
    args.update(extra)
    with transaction.atomic():
        return notify_escalation(**args)


@pytest.fixture
def as_on_a_worker(settings):
    """Tasks queued instead of run inline, as on a worker: one thread per send, and a
    commit's own queueing goes to the test settings' in-memory broker, which nothing
    consumes. The Celery conf reads Django settings live, so its value is saved before
    either changes and put back after (a monkeypatch of the conf saved the new value)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    yield
    celery_app.conf.task_always_eager = previous
