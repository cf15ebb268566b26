"""Every list of the API costs the same queries for 2 rows or 12 (no query per row)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from handoffs import services as handoff_services
from notifications.services import notify_user, webhook_create
from tests.factories_sessions import make_session, make_tree

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/trees/",
    "/api/v1/sessions/?scope=team",
    "/api/v1/handoffs/",
    "/api/v1/handoffs/queue/",
    "/api/v1/notifications/",
    "/api/v1/webhooks/",
]


def _add_rows(n, *, acme, owner, admin, alice, sam):
    for i in range(n):
        version = make_tree(acme, owner, title=f"Tree {i}")
        session = make_session(alice, tree_version=version, psa_ticket=str(i))
        handoff_services.handoff_create(actor=alice, session_id=session.pk, intent="escalate")
        notify_user(
            account_id=acme.pk, recipient_id=owner.pk, kind="t", title=f"n{i}", body="", link=""
        )
        webhook_create(actor=admin, url=f"https://h{i}.example.test/", events=["handoff.claimed"])


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


def test_lists_do_not_grow_with_their_rows(api_for, acme, owner, admin, alice, sam):
    people = {"acme": acme, "owner": owner, "admin": admin, "alice": alice, "sam": sam}
    client = api_for(owner)
    client.get("/api/v1/me/")  # the token's first use records it (one UPDATE a minute)
    _add_rows(2, **people)
    few = {url: _queries(client, url) for url in LISTS}
    _add_rows(10, **people)
    many = {url: _queries(client, url) for url in LISTS}
    assert many == few
