"""Who hears about an escalation, and that the outbox is written with its cause."""

import json

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction

from notifications.models import (
    Delivery,
    DeliveryStatus,
    EmailPreference,
    IntegrationKind,
    Notification,
)
from notifications.services import notify_unclaimed, notify_user
from tests.factories import make_user
from tests.notifications.conftest import escalate, make_integration, set_email_preference
from troubleshoot.models import Role


def bell_recipients(event_key="handoff-1-created"):
    return set(
        Notification.objects.filter(event_key=event_key).values_list("recipient_id", flat=True)
    )


def test_recipients_are_active_engineers_and_above_except_requester(
    alice, sam, admin, owner, viewer, charlie, acme
):
    gone = make_user(acme, Role.ENGINEER, name="Gone Engineer")
    gone.is_active = False
    gone.save()
    deleted = make_user(acme, Role.ENGINEER, name="Deleted Engineer")
    deleted.deleted_at = deleted.date_joined
    deleted.save()

    escalate(alice)

    assert bell_recipients() == {sam.pk, admin.pk, owner.pk}


def test_bell_row_carries_title_link_and_summary(alice, sam):
    escalate(alice)
    n = Notification.objects.get(recipient=sam)
    assert n.title.startswith("Escalation from Alice Junior · #12345: Outlook is failing")
    assert n.link == "/sessions/7/pickup/"
    assert n.kind == "escalation"
    assert n.read_at is None


def test_targeted_recipient_gets_for_you_title_others_do_not(alice, sam, admin):
    escalate(alice, target=sam)
    assert Notification.objects.get(recipient=sam).title.startswith("Escalation for you from")
    assert Notification.objects.get(recipient=admin).title.startswith("Escalation from")


def test_email_follows_each_recipients_preference(
    alice, sam, admin, owner, django_capture_on_commit_callbacks
):
    set_email_preference(admin, EmailPreference.TARGETED)
    set_email_preference(owner, EmailPreference.NONE)
    with django_capture_on_commit_callbacks(execute=True):
        escalate(alice, target=sam)
    assert sorted(m.to[0] for m in mail.outbox) == [sam.email]

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        escalate(alice, event_key="handoff-2-created", target=admin)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([sam.email, admin.email])


def test_email_has_title_summary_requester_priority_and_absolute_link(
    alice, sam, settings, django_capture_on_commit_callbacks
):
    settings.BATON_BASE_URL = "https://baton.example.com"
    with django_capture_on_commit_callbacks(execute=True):
        escalate(alice)
    message = mail.outbox[0]
    html = message.alternatives[0][0]
    assert message.subject.startswith("Escalation from Alice Junior · #12345")
    for text in (message.body, html):
        assert "https://baton.example.com/sessions/7/pickup/" in text
        assert "Alice Junior" in text
        assert "high" in text
        assert "finance team" in text
    delivery = Delivery.objects.get(channel="email", target=sam.email)
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.external_id.startswith("<")


def test_html_in_summary_and_name_is_escaped_in_email_html(
    acme, sam, django_capture_on_commit_callbacks
):
    mallory = make_user(acme, Role.ENGINEER, name="<b>Mallory</b>")
    with django_capture_on_commit_callbacks(execute=True):
        escalate(mallory, problem_summary="<script>alert(1)</script> broken")
    html = mail.outbox[0].alternatives[0][0]
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>Mallory</b>" not in html


def test_webhooks_and_psa_note_are_queued_when_configured(alice, sam, acme, fake_http):
    slack = make_integration(acme, IntegrationKind.SLACK, fake_http)
    make_integration(acme, IntegrationKind.TEAMS, fake_http)
    make_integration(acme, IntegrationKind.CONNECTWISE, fake_http)
    escalate(alice)
    rows = {d.channel: d for d in Delivery.objects.exclude(channel="email")}
    assert set(rows) == {"slack", "teams", "psa"}
    assert rows["slack"].target == str(slack.pk)
    assert rows["psa"].target == "12345"
    assert rows["psa"].payload["note"] == "Checked OST size; rebuilt profile; still failing."
    assert all(d.status == DeliveryStatus.PENDING for d in rows.values())


def test_no_psa_note_without_a_ticket_or_with_psa_disabled(alice, sam, acme, fake_http):
    cw = make_integration(acme, IntegrationKind.CONNECTWISE, fake_http)
    escalate(alice, ticket="")
    assert not Delivery.objects.filter(channel="psa").exists()
    cw.enabled = False
    cw.save()
    escalate(alice, event_key="handoff-2-created")
    assert not Delivery.objects.filter(channel="psa").exists()


def test_calling_twice_with_same_event_key_creates_nothing_new(
    alice, sam, admin, acme, fake_http, django_capture_on_commit_callbacks
):
    make_integration(acme, IntegrationKind.SLACK, fake_http)
    with django_capture_on_commit_callbacks(execute=True):
        first = escalate(alice)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = escalate(alice)
    assert sorted(first) == sorted(second)
    assert Notification.objects.count() == 2
    assert Delivery.objects.count() == 3  # two emails, one Slack post
    assert len(fake_http.requests_to("/slack")) == 1
    assert len(mail.outbox) == 2
    assert callbacks == []  # nothing pushed or queued the second time


def test_rows_are_written_in_callers_transaction_and_vanish_on_rollback(
    alice, sam, django_capture_on_commit_callbacks
):
    class Boom(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Boom),
        transaction.atomic(),
    ):
        escalate(alice)
        assert Delivery.objects.count() == 1  # visible inside the transaction
        raise Boom
    assert Notification.objects.count() == 0
    assert Delivery.objects.count() == 0
    assert callbacks == []
    assert mail.outbox == []


def test_recipients_get_a_live_push_after_commit(
    alice, sam, monkeypatch, django_capture_on_commit_callbacks
):
    pushed = []
    monkeypatch.setattr(
        "troubleshoot.live.events.publish_now", lambda group, event: pushed.append((group, event))
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        escalate(alice)
    assert pushed == []  # nothing before commit
    for callback in callbacks:
        callback()
    assert (f"user-{sam.pk}", {"type": "notification_created"}) in pushed


def test_a_link_to_another_site_is_refused(alice):
    with pytest.raises(ValidationError):
        escalate(alice, link_path="https://evil.example/phish")
    with pytest.raises(ValidationError):
        escalate(alice, link_path="//evil.example/phish")


def test_unclaimed_renotifies_admins_and_owners_only_without_psa_note(
    alice, sam, admin, owner, acme, fake_http, django_capture_on_commit_callbacks
):
    make_integration(acme, IntegrationKind.SLACK, fake_http)
    make_integration(acme, IntegrationKind.HALOPSA, fake_http)
    set_email_preference(admin, EmailPreference.TARGETED)
    with django_capture_on_commit_callbacks(execute=True):
        ids = notify_unclaimed(
            account_id=acme.pk,
            event_key="handoff-1-unclaimed-1",
            requester_name="Alice Junior",
            session_id=7,
            problem_summary="VPN tunnel drops",
            psa_ticket="555",
            priority="urgent",
            link_path="/sessions/7/pickup/",
            minutes_waiting=10,
        )
    assert bell_recipients("handoff-1-unclaimed-1") == {admin.pk, owner.pk}
    title = Notification.objects.filter(recipient=owner).get().title
    assert title.startswith("Still unclaimed after 10 min · Escalation from Alice Junior · #555")
    channels = sorted(Delivery.objects.filter(pk__in=ids).values_list("channel", flat=True))
    assert channels == ["email", "email", "slack"]
    slack_post = fake_http.requests_to("/slack")[0].json
    assert "Still unclaimed after 10 min" in slack_post["text"]


def test_notify_user_creates_one_bell_row(alice, acme):
    n = notify_user(
        account_id=acme.pk,
        recipient_id=alice.pk,
        kind="handoff_claimed",
        title="Sara picked up your escalation",
        body="",
        link="/sessions/7/",
    )
    assert n.recipient_id == alice.pk and n.title == "Sara picked up your escalation"


def test_recipient_group_receives_notification_created_through_the_channel_layer(
    alice, sam, django_capture_on_commit_callbacks
):
    import asyncio

    from asgiref.sync import async_to_sync, sync_to_async
    from channels.layers import get_channel_layer

    def escalate_and_commit():
        with django_capture_on_commit_callbacks(execute=True):
            escalate(alice)

    async def listen():
        # One event loop for the whole exchange: the Redis pub/sub layer binds
        # channels to the loop that created them.
        layer = get_channel_layer()
        channel = await layer.new_channel()
        await layer.group_add(f"user-{sam.pk}", channel)
        try:
            await sync_to_async(escalate_and_commit)()
            return await asyncio.wait_for(layer.receive(channel), timeout=5)
        finally:
            await layer.group_discard(f"user-{sam.pk}", channel)

    message = async_to_sync(listen)()
    assert json.loads(message["text"]) == {"type": "notification_created"}


def test_send_task_is_acks_late_with_limits_below_the_stale_threshold():
    from notifications.services.sending import STALE_SENDING_AFTER
    from notifications.tasks import send_delivery

    assert send_delivery.acks_late is True
    assert send_delivery.soft_time_limit < send_delivery.time_limit
    assert send_delivery.time_limit < STALE_SENDING_AFTER.total_seconds()
