"""Outgoing webhooks: admins register URLs (the integrations' URL rules) for events;
each call is a Delivery row, signed with HMAC-SHA256 over the timestamp and the body,
retried like the other integrations, and a dead URL disables the webhook."""

import hashlib
import hmac
import json
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from handoffs import services as handoff_services
from notifications.models import Delivery, DeliveryStatus, Notification, Webhook
from notifications.services import delivery_send, webhook_create
from tests.factories_sessions import make_session, make_tree
from tests.fakes.http_fakes import Reply
from troubleshoot.sessions import services as session_services

pytestmark = pytest.mark.django_db

ALL_EVENTS = ["handoff.created", "handoff.claimed", "handoff.resolved", "session.resolved"]


@pytest.fixture
def hook(admin, fake_http):
    fake_http.route("/hook", Reply(204, ""))
    return webhook_create(actor=admin, url=fake_http.url("/hook"), events=ALL_EVENTS)


@pytest.fixture
def session(acme, alice, owner):
    version = make_tree(acme, owner)
    return make_session(alice, tree_version=version, problem_summary="Printer", psa_ticket="77")


def verify(request, secret: str) -> dict:
    """What a receiver does: check the signature and the timestamp, then read the body."""
    parts = dict(p.split("=", 1) for p in request.headers["baton-signature"].split(","))
    signed = parts["t"].encode() + b"." + request.body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(parts["v1"], expected)
    assert abs(time.time() - int(parts["t"])) < 60
    return json.loads(request.body)


def test_the_escalation_path_calls_the_webhook_for_each_event(
    hook, fake_http, alice, sam, session, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        handoff = handoff_services.handoff_create(
            actor=alice, session_id=session.pk, intent="escalate"
        )
    with django_capture_on_commit_callbacks(execute=True):
        handoff_services.handoff_claim(actor=sam, handoff_id=handoff.pk)
    with django_capture_on_commit_callbacks(execute=True):
        handoff_services.handoff_resolve(actor=sam, handoff_id=handoff.pk, note="Fixed")
    calls = [r for r in fake_http.requests if r.path == "/hook"]
    bodies = [verify(r, hook.secret) for r in calls]
    assert [b["event"] for b in bodies] == [
        "handoff.created",
        "handoff.claimed",
        "handoff.resolved",
        "session.resolved",
    ]
    assert bodies[0]["data"]["session"]["psa_ticket"] == "77"
    assert bodies[1]["data"]["handoff"]["claimed_by"] == {"id": sam.pk, "name": sam.display_name}
    assert bodies[3]["data"]["session"]["status"] == "resolved"
    assert [r.headers["baton-event"] for r in calls] == [b["event"] for b in bodies]
    ledger = Delivery.objects.filter(channel="webhook").order_by("id")
    assert [d.status for d in ledger] == [DeliveryStatus.SENT] * 4
    assert [r.headers["baton-delivery"] for r in calls] == [str(d.pk) for d in ledger]
    assert [b["id"] for b in bodies] == [str(d.pk) for d in ledger]


def test_a_park_calls_no_webhook_and_a_session_resolved_on_its_page_does(
    hook, fake_http, alice, session, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        handoff_services.handoff_create(actor=alice, session_id=session.pk, intent="park")
    assert not Delivery.objects.filter(channel="webhook").exists()
    other = make_session(alice, tree_version=session.tree_version)
    with django_capture_on_commit_callbacks(execute=True):
        session_services.session_resolve(actor=alice, session_id=other.pk, resolution_note="ok")
    (call,) = [r for r in fake_http.requests if r.path == "/hook"]
    assert verify(call, hook.secret)["event"] == "session.resolved"


def test_only_subscribed_enabled_webhooks_of_the_account_are_called(
    admin, fake_http, alice, sam, session, charlie, globex, django_capture_on_commit_callbacks
):
    from tests.factories import make_user
    from troubleshoot.models import Role

    fake_http.route("/claims", Reply(200, "ok"))
    webhook_create(actor=admin, url=fake_http.url("/claims"), events=["handoff.claimed"])
    off = webhook_create(actor=admin, url=fake_http.url("/off"), events=ALL_EVENTS)
    Webhook.objects.filter(pk=off.pk).update(enabled=False)
    other_admin = make_user(globex, Role.ADMIN)
    webhook_create(actor=other_admin, url=fake_http.url("/globex"), events=ALL_EVENTS)
    with django_capture_on_commit_callbacks(execute=True):
        handoff = handoff_services.handoff_create(
            actor=alice, session_id=session.pk, intent="escalate"
        )
        handoff_services.handoff_claim(actor=sam, handoff_id=handoff.pk)
    assert [r.path for r in fake_http.requests] == ["/claims"]


def test_a_5xx_is_retried_and_a_404_disables_the_webhook_telling_admins(
    hook, fake_http, admin, owner, alice, session, django_capture_on_commit_callbacks
):
    fake_http.queue("/hook", Reply(503, "busy"))
    with django_capture_on_commit_callbacks(execute=True):
        handoff_services.handoff_create(actor=alice, session_id=session.pk, intent="escalate")
    delivery = Delivery.objects.get(channel="webhook")
    assert delivery.status == DeliveryStatus.PENDING
    assert "server error (503)" in delivery.last_error
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=delivery.created_at)
    fake_http.route("/hook", Reply(404, "no such hook"))
    assert delivery_send(delivery_id=delivery.pk) == "failed"
    hook.refresh_from_db()
    assert hook.enabled is False and "404" in hook.disabled_reason
    assert Notification.objects.filter(kind="webhook_disabled").count() == 2  # admin, owner


def test_another_4xx_fails_only_that_call(
    hook, fake_http, alice, session, django_capture_on_commit_callbacks
):
    fake_http.route("/hook", Reply(422, "bad payload"))
    with django_capture_on_commit_callbacks(execute=True):
        handoff_services.handoff_create(actor=alice, session_id=session.pk, intent="escalate")
    assert Delivery.objects.get(channel="webhook").status == DeliveryStatus.FAILED
    hook.refresh_from_db()
    assert hook.enabled is True


def test_urls_follow_the_integrations_rules_and_only_admins_register(admin, alice, settings):
    with pytest.raises(PermissionDenied):
        webhook_create(actor=alice, url="https://example.test/hook", events=ALL_EVENTS)
    for url in ("not a url", "ftp://example.test/x", "https://user:pw@example.test/x"):
        with pytest.raises(ValidationError):
            webhook_create(actor=admin, url=url, events=ALL_EVENTS)
    with pytest.raises(ValidationError):
        webhook_create(actor=admin, url="https://example.test/x", events=["handoff.exploded"])
    settings.BATON_ALLOW_HTTP_WEBHOOKS = False
    with pytest.raises(ValidationError, match="https"):
        webhook_create(actor=admin, url="http://example.test/x", events=ALL_EVENTS)


# --- the API ----------------------------------------------------------------------


def test_admins_manage_webhooks_through_the_api_and_the_secret_shows_once(
    api_for, admin, fake_http, django_capture_on_commit_callbacks
):
    fake_http.route("/hook", Reply(200, "ok"))
    client = api_for(admin)
    created = client.post(
        "/api/v1/webhooks/",
        {"url": fake_http.url("/hook"), "events": ["handoff.created"], "description": "PSA"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    secret = created.json()["secret"]
    assert secret.startswith("whsec_")
    webhook_id = created.json()["id"]
    read = client.get(f"/api/v1/webhooks/{webhook_id}/").json()
    assert "secret" not in read and read["secret_hint"] == "••••" + secret[-4:]
    with django_capture_on_commit_callbacks(execute=True):
        pinged = client.post(f"/api/v1/webhooks/{webhook_id}/ping/")
    assert pinged.status_code == 202
    assert verify(fake_http.requests[-1], secret)["event"] == "ping"
    assert Delivery.objects.get(pk=pinged.json()["delivery_id"]).status == DeliveryStatus.SENT
    rotated = client.post(f"/api/v1/webhooks/{webhook_id}/rotate-secret/").json()["secret"]
    assert rotated != secret
    changed = client.patch(
        f"/api/v1/webhooks/{webhook_id}/", {"events": ["session.resolved"]}, format="json"
    )
    assert changed.json()["events"] == ["session.resolved"]
    bad = client.patch(f"/api/v1/webhooks/{webhook_id}/", {"url": "ftp://x"}, format="json")
    assert bad.status_code == 400 and "url" in bad.json()["errors"]
    assert client.delete(f"/api/v1/webhooks/{webhook_id}/").status_code == 204
    assert not Webhook.objects.exists()
