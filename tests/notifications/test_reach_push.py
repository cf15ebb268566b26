"""Web Push through the Delivery ledger, against a local fake push service that
checks the encryption headers, the VAPID signature and the payload size, and
decrypts each message as the browser would."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import (
    Availability,
    Channel,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationPreference,
    PushSubscription,
)
from notifications.reach.services import push_subscribe
from notifications.services import delivery_send, notify_unclaimed
from notifications.transports.webpush import MAX_PAYLOAD_BYTES, payload_bytes
from tests.fakes.push_service import FakePushService
from tests.notifications.conftest import escalate

pytestmark = pytest.mark.django_db


@pytest.fixture
def push_service():
    with FakePushService() as service:
        yield service


def subscribe(user, device) -> PushSubscription:
    return push_subscribe(user=user, user_agent="Firefox on a phone", **device.subscription)


def pushes(**filters):
    return Delivery.objects.filter(channel=Channel.PUSH, **filters)


def test_an_escalation_pushes_each_subscribed_browser_encrypted_and_signed(
    alice, sam, admin, push_service, django_capture_on_commit_callbacks
):
    laptop, phone = push_service.device("laptop"), push_service.device("phone")
    subscribe(sam, laptop)
    subscribe(sam, phone)
    with django_capture_on_commit_callbacks(execute=True):
        escalate(alice)

    rows = list(pushes().order_by("target"))
    assert len(rows) == 2 and {row.recipient_id for row in rows} == {sam.pk}
    assert all(row.status == DeliveryStatus.SENT for row in rows), [r.last_error for r in rows]
    assert push_service.rejections == []
    assert sorted(m.device for m in push_service.messages) == ["laptop", "phone"]
    bell = Notification.objects.get(recipient=sam)
    for message in push_service.messages:
        assert message.payload == {
            "title": bell.title,
            "body": bell.body[:300],
            "url": "/sessions/7/pickup/",
            "tag": "handoff-1-created",
        }
        assert message.headers["content-encoding"] == "aes128gcm"
        assert message.headers["ttl"] == "3600"
        assert message.headers["authorization"].startswith("vapid t=")
        assert message.body_size <= 4096
    assert all("/message/" in row.external_id for row in rows)  # the service's Location


def test_push_rows_are_written_with_the_escalation_and_sent_only_after_commit(
    alice, sam, push_service, django_capture_on_commit_callbacks
):
    subscribe(sam, push_service.device())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        escalate(alice)
    row = pushes().get()
    assert row.status == DeliveryStatus.PENDING and row.notification.recipient_id == sam.pk
    assert push_service.messages == []
    for callback in callbacks:
        callback()
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT


def test_an_expired_subscription_is_deleted_and_its_push_not_retried(
    alice, sam, push_service, django_capture_on_commit_callbacks
):
    gone, kept = push_service.device("gone"), push_service.device("kept")
    subscribe(sam, gone)
    subscribe(sam, kept)
    push_service.expire(gone)
    with django_capture_on_commit_callbacks(execute=True):
        escalate(alice)

    failed = pushes().get(status=DeliveryStatus.FAILED)
    assert "expired (410)" in failed.last_error
    assert failed.push_subscription_id is None  # the row went with the subscription
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [kept.endpoint]
    assert pushes(status=DeliveryStatus.SENT).count() == 1


def test_a_push_service_outage_is_retried_by_the_ledger(
    alice, sam, push_service, django_capture_on_commit_callbacks
):
    device = push_service.device()
    subscribe(sam, device)
    push_service.stop()  # nothing listens on the endpoint's port now
    with django_capture_on_commit_callbacks(execute=True):
        escalate(alice)
    row = pushes().get()
    assert row.status == DeliveryStatus.PENDING and row.attempts == 1
    assert "connect" in row.last_error.lower()
    assert PushSubscription.objects.count() == 1  # a transient failure keeps it


def test_a_refused_signature_fails_the_push_but_keeps_the_subscription(
    alice, sam, push_service, django_capture_on_commit_callbacks
):
    device = push_service.device()
    device.server_key = "the-key-of-an-earlier-install"  # Baton's key changed since
    subscribe(sam, device)
    with django_capture_on_commit_callbacks(execute=True):
        escalate(alice)
    row = pushes().get()
    assert row.status == DeliveryStatus.FAILED and "refused the credentials (403)" in row.last_error
    assert push_service.rejections == ["VAPID key does not match the subscription"]
    assert PushSubscription.objects.count() == 1


def test_a_bad_vapid_contact_fails_without_retrying(
    alice, sam, push_service, settings, django_capture_on_commit_callbacks
):
    subscribe(sam, push_service.device())
    settings.BATON_VAPID_SUBJECT = "not-a-contact"
    with django_capture_on_commit_callbacks(execute=True):
        escalate(alice)
    row = pushes().get()
    assert row.status == DeliveryStatus.FAILED and "BATON_VAPID_SUBJECT" in row.last_error
    assert push_service.messages == [] and PushSubscription.objects.count() == 1


def test_push_follows_each_persons_preference(
    alice, sam, admin, owner, push_service, django_capture_on_commit_callbacks
):
    for user in (sam, admin, owner):
        subscribe(user, push_service.device(user.display_name.split()[0].lower()))
    NotificationPreference.objects.create(user=admin, push="none")
    NotificationPreference.objects.create(user=owner, push="targeted")
    with django_capture_on_commit_callbacks(execute=True):
        escalate(alice)
        escalate(alice, event_key="handoff-2-created", target=owner)
    assert set(pushes(dedupe_key__startswith="handoff-1-").values_list("recipient", flat=True)) == {
        sam.pk
    }
    assert set(pushes(dedupe_key__startswith="handoff-2-").values_list("recipient", flat=True)) == {
        sam.pk,
        owner.pk,
    }


def test_only_while_available_pushes_nothing_to_someone_away(
    alice, sam, admin, push_service, django_capture_on_commit_callbacks
):
    subscribe(sam, push_service.device("sam"))
    subscribe(admin, push_service.device("admin"))
    for user in (sam, admin):
        NotificationPreference.objects.create(user=user, alerts_only_when_available=True)
    Availability.objects.create(user=sam, last_seen_at=timezone.now())  # active just now
    Availability.objects.create(user=admin, last_seen_at=timezone.now() - timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        escalate(alice)
    assert list(pushes().values_list("recipient", flat=True)) == [sam.pk]


def test_an_unsubscribed_browser_is_not_pushed_to(alice, sam, push_service):
    subscription = subscribe(sam, push_service.device())
    escalate(alice)  # rows written, nothing sent (no commit callbacks run)
    subscription.delete()
    row = pushes().get()
    assert delivery_send(delivery_id=row.pk) == "disabled"
    row.refresh_from_db()
    assert row.last_error == "The browser unsubscribed." and push_service.messages == []


def test_payload_is_cut_to_fit_a_push_message():
    data = payload_bytes({"title": "T" * 500, "body": "é" * 5000, "url": "/x/", "tag": "k"})
    assert len(data) <= MAX_PAYLOAD_BYTES
    # With the longest fields allowed, still far below the 4096 bytes a service takes.
    huge = payload_bytes({"title": "😀" * 500, "body": "😀" * 5000, "url": "/" * 900, "tag": "t"})
    assert len(huge) <= MAX_PAYLOAD_BYTES


def test_the_unclaimed_ladder_pushes_admins_even_with_only_mine(
    admin, owner, sam, push_service, django_capture_on_commit_callbacks
):
    subscribe(admin, push_service.device("admin"))
    subscribe(sam, push_service.device("sam"))
    NotificationPreference.objects.create(user=admin, push="targeted")
    with django_capture_on_commit_callbacks(execute=True):
        notify_unclaimed(
            account_id=admin.account_id,
            event_key="handoff-1-unclaimed-1",
            requester_name="Alice",
            session_id=7,
            problem_summary="Printer",
            psa_ticket="",
            priority="high",
            link_path="/sessions/7/pickup/",
            minutes_waiting=10,
        )
    assert [m.device for m in push_service.messages] == ["admin"]
    assert push_service.messages[0].payload["title"].startswith("Still unclaimed after 10 min")


def test_the_first_ladder_step_prefers_the_admins_available_now(admin, owner):
    Availability.objects.create(user=owner, last_seen_at=timezone.now())
    args = {
        "account_id": admin.account_id,
        "requester_name": "Alice",
        "session_id": 7,
        "problem_summary": "Printer",
        "psa_ticket": "",
        "priority": "high",
        "link_path": "/sessions/7/pickup/",
        "minutes_waiting": 10,
    }
    notify_unclaimed(event_key="e-1", prefer_available=True, **args)
    assert set(
        Notification.objects.filter(event_key="e-1").values_list("recipient", flat=True)
    ) == {owner.pk}
    notify_unclaimed(event_key="e-2", prefer_available=False, **args)
    assert Notification.objects.filter(event_key="e-2").count() == 2
    Availability.objects.filter(user=owner).update(status="busy")
    notify_unclaimed(event_key="e-3", prefer_available=True, **args)  # nobody available: all
    assert Notification.objects.filter(event_key="e-3").count() == 2
