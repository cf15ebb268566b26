"""Redis unreachable when the escalation commits: the broker and the channel layer
both point at a closed port. The request still succeeds quickly, the outbox rows
wait as `pending`, and once Redis is back the sweepers deliver everything once."""

import time

import pytest
from django.core import mail

from handoffs.models import AIStatus
from notifications.models import Delivery, DeliveryStatus, Notification
from tests.fakes.http_fakes import Reply
from tests.faults.conftest import (
    PSA_NOTE_PATH,
    celery_broker,
    closed_port,
    escalate_over_http,
    sweep,
    time_passes,
)

pytestmark = pytest.mark.django_db


def redis_layer_at(port: int) -> dict:
    return {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": f"redis://127.0.0.1:{port}/0",
                        "socket_timeout": None,
                        "socket_connect_timeout": 2,
                    }
                ]
            },
        }
    }


def test_escalation_during_a_redis_outage_is_delivered_by_the_sweeper_once_redis_is_back(
    settings,
    alice,
    sam,
    admin,
    session,
    slack,
    psa,
    fake_http,
    client_for,
    django_capture_on_commit_callbacks,
    caplog,
):
    fake_http.route(PSA_NOTE_PATH, Reply(201, {"id": 9001}))
    down = closed_port()
    normal_layers = settings.CHANNEL_LAYERS
    settings.CHANNEL_LAYERS = redis_layer_at(down)
    with celery_broker(f"redis://127.0.0.1:{down}/0"):
        started = time.monotonic()
        handoff = escalate_over_http(client_for(alice), session, django_capture_on_commit_callbacks)
        took = time.monotonic() - started

    # Saved and acknowledged, and fast: one refused broker connection, not one per task.
    assert took < 6, f"escalating with Redis down took {took:.1f} s"
    assert "could not publish handoff_created" in caplog.text
    assert "not queueing" in caplog.text or "could not queue" in caplog.text
    # Nothing went out, nothing was lost: the ledger holds every send as pending.
    rows = Delivery.objects.filter(account=handoff.account)
    assert {(d.channel, d.status) for d in rows} == {
        ("email", "pending"),
        ("slack", "pending"),
        ("psa", "pending"),
    }
    assert rows.filter(channel="email").count() == 2  # Sam and Adam
    assert mail.outbox == [] and fake_http.requests == []
    assert Notification.objects.filter(kind="escalation").count() == 2
    handoff.refresh_from_db()
    assert handoff.ai_status == AIStatus.PENDING

    # Redis is back (the suite's own broker and layer); a minute later beat sweeps.
    settings.CHANNEL_LAYERS = normal_layers
    time_passes(150)
    sweep(django_capture_on_commit_callbacks)

    assert set(rows.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([sam.email, admin.email])
    assert len(fake_http.requests_to("/slack")) == 1
    assert len(fake_http.requests_to(PSA_NOTE_PATH)) == 1
    handoff.refresh_from_db()
    assert handoff.ai_status == AIStatus.READY

    # A second sweep finds nothing left to do: exactly once.
    time_passes(150)
    sweep(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2 and len(fake_http.requests) == 2
