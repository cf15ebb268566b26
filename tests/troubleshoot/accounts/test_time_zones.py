"""Time zones: each person reads times in their own zone (else the account's), pages
give the full date, time and zone on hover, emails and PSA notes name their zone."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications.services import notify_escalation
from notifications.transports import email as email_transport
from tests.factories_sessions import add_step, make_session
from troubleshoot.accounts.timezones import duration_words, full_datetime, short_time
from troubleshoot.models import Account, Step, StepKind, User
from troubleshoot.sessions.selectors import session_snapshot

pytestmark = pytest.mark.django_db

# 23:30 UTC on Wed 17 Jan 2024: 08:30 on the 18th in Tokyo, 18:30 on the 17th in New
# York. A past year, so pages write the date in full whatever today is.
MOMENT = datetime(2024, 1, 17, 23, 30, tzinfo=UTC)


def _signup(client, **extra):
    data = {
        "account_name": "Harbor Tech",
        "display_name": "Hana Harbor",
        "email": "hana@harbor.example",
        "password1": "a-long-pass-phrase",
        "password2": "a-long-pass-phrase",
    }
    return client.post(reverse("signup"), {**data, **extra})


def test_signup_keeps_the_browsers_zone_for_the_owner_and_the_account(client):
    assert _signup(client, time_zone="America/Chicago").status_code == 302
    hana = User.objects.get(email="hana@harbor.example")
    assert hana.time_zone == "America/Chicago"
    assert hana.account.time_zone == "America/Chicago"


def test_signup_ignores_a_zone_it_does_not_know(client):
    assert _signup(client, time_zone="Mars/Olympus_Mons").status_code == 302
    hana = User.objects.get(email="hana@harbor.example")
    assert (hana.time_zone, hana.account.time_zone) == ("", "UTC")


def test_signup_page_loads_the_script_that_sends_the_zone(client):
    page = client.get(reverse("signup")).content.decode()
    assert 'name="time_zone"' in page and "data-browser-time-zone" in page
    assert "js/timezone.js" in page
    assert "<script>" not in page  # no inline script (CSP)


def _step_at(session, author, moment):
    step = add_step(session, author, kind=StepKind.NOTE, note="Checked the mailbox size")
    Step.objects.filter(pk=step.pk).update(created_at=moment)
    return step


def test_a_page_shows_times_in_the_readers_zone_with_the_full_time_on_hover(client_for, alice, sam):
    for person, zone in ((alice, "Asia/Tokyo"), (sam, "America/New_York")):
        person.time_zone = zone
        person.save(update_fields=["time_zone"])
    # Resolved: every member of the account may read it.
    session = make_session(alice, status="resolved")
    _step_at(session, alice, MOMENT)
    url = reverse("troubleshoot:session_detail", args=[session.pk])

    page = client_for(alice).get(url).content.decode()
    assert 'datetime="2024-01-17T23:30:00Z"' in page
    assert 'title="Thu 18 Jan 2024, 08:30 JST (Asia/Tokyo)">18 Jan 2024, 08:30</time>' in page

    page = client_for(sam).get(url).content.decode()
    assert 'title="Wed 17 Jan 2024, 18:30 EST (America/New_York)">17 Jan 2024, 18:30</time>' in page


def test_people_without_a_zone_read_the_accounts_default(client_for, alice, acme):
    Account.objects.filter(pk=acme.pk).update(time_zone="Europe/Berlin")
    session = make_session(alice)
    _step_at(session, alice, MOMENT)
    page = client_for(alice).get(reverse("troubleshoot:session_detail", args=[session.pk]))
    assert "Thu 18 Jan 2024, 00:30 CET (Europe/Berlin)" in page.content.decode()


def test_the_queue_card_says_how_long_it_has_waited(client_for, alice, sam):
    from handoffs.models import Handoff
    from handoffs.services import handoff_create

    session = make_session(alice, problem_summary="VPN drops every five minutes")
    handoff = handoff_create(actor=alice, session_id=session.pk, intent="park")
    Handoff.objects.filter(pk=handoff.pk).update(
        queued_at=timezone.now() - timedelta(minutes=21, seconds=5)
    )
    sam.time_zone = "Europe/Berlin"
    sam.save(update_fields=["time_zone"])
    page = client_for(sam).get(reverse("handoffs:queue")).content.decode()
    assert "VPN drops every five minutes" in page
    assert '<time class="age" datetime="' in page
    assert '(Europe/Berlin)">waiting 21 min</time>' in page


def test_profile_sets_and_clears_your_zone(client_for, alice):
    client = client_for(alice)
    assert "default (UTC)" in client.get(reverse("profile")).content.decode()
    response = client.post(
        reverse("profile"), {"display_name": "Alice J.", "time_zone": "Pacific/Auckland"}
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert (alice.display_name, alice.time_zone) == ("Alice J.", "Pacific/Auckland")
    assert "Pacific/Auckland" in client.get(reverse("profile")).content.decode()
    client.post(reverse("profile"), {"display_name": "Alice J.", "time_zone": ""})
    alice.refresh_from_db()
    assert alice.time_zone == ""


def test_profile_refuses_an_unknown_zone(client_for, alice):
    response = client_for(alice).post(
        reverse("profile"), {"display_name": "Alice", "time_zone": "Europe/Atlantis"}
    )
    assert response.status_code == 400
    alice.refresh_from_db()
    assert alice.time_zone == ""


def test_admins_set_the_accounts_zone_and_others_may_not(client_for, admin, alice, acme):
    response = client_for(alice).post(reverse("account_time_zone"), {"time_zone": "Asia/Tokyo"})
    assert response.status_code == 403
    response = client_for(admin).post(reverse("account_time_zone"), {"time_zone": "Nowhere/X"})
    assert response.status_code == 400
    response = client_for(admin).post(reverse("account_time_zone"), {"time_zone": "Asia/Tokyo"})
    assert response.status_code == 302
    acme.refresh_from_db()
    assert acme.time_zone == "Asia/Tokyo"


def test_escalation_email_states_the_time_in_the_recipients_zone(alice, sam, admin):
    sam.time_zone = "America/New_York"
    sam.save(update_fields=["time_zone"])
    ids = notify_escalation(
        account_id=alice.account_id,
        event_key="tz-test",
        requester_id=alice.pk,
        requester_name=alice.display_name,
        target_user_id=None,
        session_id=1,
        problem_summary="Printer offline",
        psa_ticket="",
        priority="normal",
        link_path="/sessions/1/pickup/",
        documentation="",
    )
    assert ids
    from notifications.models import Delivery

    for delivery in Delivery.objects.filter(channel="email"):
        email_transport.send(delivery)
    by_recipient = {m.to[0]: m for m in mail.outbox}
    sams = by_recipient[sam.email]
    assert f"Escalated: {full_datetime(_payload_at(sam), 'America/New_York')}\n" in sams.body
    assert sams.body.count("(America/New_York)") == 1
    assert "(America/New_York)" in sams.alternatives[0][0]
    # Adam has no zone of his own: the account's default (UTC), named.
    adams = by_recipient[admin.email].body
    assert f"Escalated: {full_datetime(_payload_at(admin), 'UTC')}\n" in adams


def _payload_at(user) -> str:
    from notifications.models import Delivery

    return Delivery.objects.get(channel="email", recipient=user).payload["at"]


def test_psa_note_states_the_accounts_zone_whoever_escalates(alice, acme):
    Account.objects.filter(pk=acme.pk).update(time_zone="Europe/Berlin")
    alice.time_zone = "Asia/Tokyo"
    alice.save(update_fields=["time_zone"])
    session = make_session(alice, psa_ticket="4711")
    add_step(session, alice, kind=StepKind.SYSTEM, text="Escalated to the team")
    from troubleshoot.sessions.models import Session

    Session.objects.filter(pk=session.pk).update(created_at=MOMENT)
    Step.objects.filter(session=session).update(created_at=MOMENT + timedelta(minutes=5))
    timezone.activate("Asia/Tokyo")  # the escalating request's zone
    try:
        document = session_snapshot(Session.objects.get(pk=session.pk))["documentation"]
    finally:
        timezone.deactivate()
    assert "**Started:** Thu 18 Jan 2024, 00:30 CET (Europe/Berlin)" in document
    assert "## History (times in Europe/Berlin)" in document
    assert "- 18 Jan 00:35 Escalated to the team" in document


def test_formatting_helpers():
    assert full_datetime(MOMENT, "Europe/Berlin") == "Thu 18 Jan 2024, 00:30 CET (Europe/Berlin)"
    assert full_datetime(MOMENT.isoformat(), "UTC") == "Wed 17 Jan 2024, 23:30 UTC"
    assert full_datetime("not a date", "UTC") == ""
    assert short_time(MOMENT, now=MOMENT + timedelta(minutes=5)) == "23:30"
    assert short_time(MOMENT, now=MOMENT + timedelta(days=3)) == "17 Jan, 23:30"
    assert short_time(MOMENT, now=MOMENT + timedelta(days=400)) == "17 Jan 2024, 23:30"
    assert [duration_words(s) for s in (30, 21 * 60, 185 * 60, 50 * 3600, 48 * 3600)] == [
        "under a minute",
        "21 min",
        "3 h 5 min",
        "2 d 2 h",
        "2 d",
    ]
