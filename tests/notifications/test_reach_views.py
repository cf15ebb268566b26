"""Availability, desktop alerts, push subscriptions and preferences, through the views."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications.models import (
    Availability,
    Notification,
    NotificationPreference,
    PushSubscription,
)
from notifications.reach.availability import Presence, effective_status
from notifications.reach.services import availability_heartbeat
from tests.conftest import login
from tests.fakes.push_service import FakePushService
from tests.notifications.conftest import escalate

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=ZoneInfo("UTC"))  # a Monday


# --- availability, computed --------------------------------------------------
def test_availability_lapses_to_away_when_no_tab_saw_them_lately(settings):
    settings.BATON_AWAY_AFTER_MINUTES = 10
    seen = Presence("available", NOW - timedelta(minutes=9))
    assert effective_status(seen, NOW) == "available"
    assert effective_status(seen, NOW + timedelta(minutes=2)) == "away"
    assert effective_status(Presence("busy", NOW), NOW) == "busy"
    assert effective_status(Presence("away", NOW), NOW) == "away"
    assert effective_status(Presence(), NOW) == "away"  # never seen


def test_working_hours_count_in_the_persons_own_time_zone():
    # 15:00 UTC is 10:00 in New York and 00:00 (next day) in Tokyo.
    hours = {"work_start": time(9), "work_end": time(17), "work_days": "12345"}
    new_york = Presence("available", NOW, **hours, time_zone="America/New_York")
    tokyo = Presence("available", NOW, **hours, time_zone="Asia/Tokyo")
    assert effective_status(new_york, NOW) == "available"
    assert effective_status(tokyo, NOW) == "away"
    night = Presence("available", NOW, time(22), time(6), "1", "Asia/Tokyo")
    assert effective_status(night, NOW) == "available"  # Monday's night shift, 00:00 Tue
    weekend = Presence("available", NOW, time(0), time(23, 59), "67", "UTC")
    assert effective_status(weekend, NOW) == "away"


def test_heartbeat_writes_last_seen_at_most_every_half_minute(sam):
    assert availability_heartbeat(user=sam, now=NOW) is True
    assert availability_heartbeat(user=sam, now=NOW + timedelta(seconds=10)) is False
    assert availability_heartbeat(user=sam, now=NOW + timedelta(seconds=40)) is True
    assert Availability.objects.get(user=sam).last_seen_at == NOW + timedelta(seconds=40)


def test_top_bar_sets_availability_and_shows_it(client_for, sam):
    client = client_for(sam)
    control = client.get(reverse("notifications:availability"), headers={"HX-Request": "true"})
    assert 'id="availability-status"' in control.text
    response = client.post(
        reverse("notifications:availability"), {"status": "busy"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and 'data-now="busy"' in response.text
    assert Availability.objects.get(user=sam).status == "busy"
    bad = client.post(reverse("notifications:availability"), {"status": "asleep"})
    assert bad.status_code == 400
    assert client.post(reverse("notifications:heartbeat")).status_code == 204


def test_queue_roster_lists_available_seniors_first(client_for, sam, admin, owner, alice):
    Availability.objects.create(user=owner, status="available", last_seen_at=timezone.now())
    Availability.objects.create(user=admin, status="busy", last_seen_at=timezone.now())
    page = client_for(sam).get(reverse("handoffs:queue"))
    assert 'id="roster"' in page.text
    roster = client_for(sam).get(reverse("notifications:roster")).text
    order = [roster.index(user.display_name) for user in (owner, admin, alice)]
    assert order == sorted(order)
    assert 'data-status="available"' in roster and 'data-status="busy"' in roster


def test_viewers_do_not_see_the_roster(client_for, viewer):
    assert client_for(viewer).get(reverse("notifications:roster")).status_code == 403


# --- desktop alerts ----------------------------------------------------------
def _alert(client, key="handoff-1-created"):
    return client.get(reverse("notifications:desktop_alert"), {"event": key})


def test_desktop_alert_carries_the_bell_line(client_for, alice, sam):
    escalate(alice, target=sam)
    alert = _alert(client_for(sam)).json()
    bell = Notification.objects.get(recipient=sam)
    assert alert == {
        "show": True,
        "title": bell.title,
        "body": bell.body[:300],
        "link": "/sessions/7/pickup/",
        "tag": "handoff-1-created",
    }
    assert alert["title"].startswith("Escalation for you from Alice Junior")


def test_desktop_alert_follows_preferences(client_for, alice, sam, admin, owner):
    NotificationPreference.objects.create(user=admin, desktop="none")
    NotificationPreference.objects.create(user=owner, desktop="targeted")
    escalate(alice)
    escalate(alice, event_key="handoff-2-created", target=owner)
    assert _alert(client_for(admin)).json() == {"show": False}
    assert _alert(client_for(owner)).json() == {"show": False}
    assert _alert(client_for(owner), "handoff-2-created").json()["show"] is True


def test_desktop_alert_only_while_available(client_for, alice, sam):
    NotificationPreference.objects.create(user=sam, alerts_only_when_available=True)
    escalate(alice)
    assert _alert(client_for(sam)).json() == {"show": False}  # never seen: away
    Availability.objects.create(user=sam, last_seen_at=timezone.now())
    assert _alert(client_for(sam)).json()["show"] is True


def test_desktop_alert_of_another_account_or_person_shows_nothing(client_for, alice, sam, charlie):
    escalate(alice)
    assert _alert(client_for(charlie)).json() == {"show": False}
    assert _alert(client_for(alice)).json() == {"show": False}  # the requester has no bell row
    assert _alert(client_for(sam), "<script>").status_code == 400


# --- push subscriptions ------------------------------------------------------
@pytest.fixture
def device():
    with FakePushService() as service:
        yield service.device()


def test_subscribing_needs_the_csrf_token(sam, device):
    client = login(Client(enforce_csrf_checks=True), sam)
    url = reverse("notifications:push_subscribe")
    assert client.post(url, device.subscription).status_code == 403
    token = client.get(reverse("notifications:preferences")).cookies["csrftoken"].value
    response = client.post(url, device.subscription, headers={"X-CSRFToken": token})
    assert response.status_code == 201
    assert PushSubscription.objects.get().user == sam


def test_subscribe_rejects_what_a_browser_could_not_send(client_for, sam, device, settings):
    client = client_for(sam)
    url = reverse("notifications:push_subscribe")
    bad_key = {**device.subscription, "p256dh": "not-a-key"}
    assert client.post(url, bad_key).status_code == 400
    assert client.post(url, {**device.subscription, "endpoint": "ftp://x/y"}).status_code == 400
    settings.BATON_ALLOW_HTTP_WEBHOOKS = False
    assert client.post(url, device.subscription).status_code == 400  # http:// in production
    assert PushSubscription.objects.count() == 0


def test_one_browser_alerts_whoever_subscribed_it_last(client_for, sam, admin, device):
    url = reverse("notifications:push_subscribe")
    client_for(sam).post(url, device.subscription)
    client_for(admin).post(url, device.subscription)
    assert list(PushSubscription.objects.values_list("user", flat=True)) == [admin.pk]


def test_people_remove_only_their_own_browsers(client_for, sam, admin, device):
    client_for(sam).post(reverse("notifications:push_subscribe"), device.subscription)
    subscription = PushSubscription.objects.get()
    url = reverse("notifications:push_unsubscribe")
    client_for(admin).post(url, {"id": subscription.pk})
    client_for(admin).post(url, {"endpoint": device.endpoint})
    assert PushSubscription.objects.count() == 1
    assert client_for(sam).post(url, {"endpoint": device.endpoint}).status_code == 204
    assert PushSubscription.objects.count() == 0


def test_service_worker_is_served_from_the_root_with_its_scope(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert 'addEventListener("push"' in response.content.decode()


# --- preferences page --------------------------------------------------------
def test_preferences_page_saves_every_channel(client_for, sam):
    client = client_for(sam)
    page = client.get(reverse("notifications:preferences"))
    assert page.status_code == 200 and 'id="push-card"' in page.text
    assert "data-vapid-key=" in page.text
    response = client.post(
        reverse("notifications:preferences"),
        {"email": "none", "desktop": "targeted", "push": "all", "alerts_only_when_available": "on"},
    )
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=sam)
    assert (preference.email, preference.desktop, preference.push) == ("none", "targeted", "all")
    assert preference.alerts_only_when_available is True
    bad = client.post(reverse("notifications:preferences"), {"email": "all", "push": "loud"})
    assert bad.status_code == 400


def test_working_hours_are_saved_or_explained(client_for, sam):
    client = client_for(sam)
    url = reverse("notifications:working_hours")
    ok = client.post(url, {"work_start": "08:30", "work_end": "17:00", "work_days": ["1", "2"]})
    assert ok.status_code == 302
    row = Availability.objects.get(user=sam)
    assert (row.work_start, row.work_end, row.work_days) == (time(8, 30), time(17), "12")
    half = client.post(url, {"work_start": "08:30"})
    assert half.status_code == 400 and "Give both a start and an end" in half.text
