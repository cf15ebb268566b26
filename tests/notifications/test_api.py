"""/api/v1/notifications/: your own bell only, newest first; mark one or all read."""

import pytest

from notifications.models import Notification
from notifications.services import notify_user

pytestmark = pytest.mark.django_db


def bell(user, title):
    return notify_user(
        account_id=user.account_id,
        recipient_id=user.pk,
        kind="test",
        title=title,
        body="",
        link="/queue/",
    )


def test_list_mark_one_and_mark_all(api_for, sam, alice):
    first, second, third = bell(sam, "one"), bell(sam, "two"), bell(sam, "three")
    bell(alice, "alice's")
    client = api_for(sam)
    listed = client.get("/api/v1/notifications/").json()
    assert [n["title"] for n in listed["results"]] == ["three", "two", "one"]
    read = client.post(f"/api/v1/notifications/{second.pk}/read/")
    assert read.status_code == 200 and read.json()["read"] is True
    unread = client.get("/api/v1/notifications/?unread=true").json()["results"]
    assert [n["id"] for n in unread] == [third.pk, first.pk]
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 2}
    assert not Notification.objects.filter(recipient=sam, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=alice, read_at__isnull=True).count() == 1


def test_someone_elses_notification_is_404(api_for, sam, alice, charlie):
    alices = bell(alice, "private")
    for who in (sam, charlie):
        assert api_for(who).post(f"/api/v1/notifications/{alices.pk}/read/").status_code == 404
    assert Notification.objects.get(pk=alices.pk).read_at is None


def test_viewers_read_their_bell_too(api_for, viewer):
    bell(viewer, "for the viewer")
    assert api_for(viewer).get("/api/v1/notifications/").json()["count"] == 1
