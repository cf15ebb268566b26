"""The unclaimed-escalation ladder, with a controlled clock."""

from datetime import timedelta

import pytest

from handoffs import services
from handoffs.models import EventKind
from handoffs.tasks import sweep_handoffs
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _sweep(at):
    return sweep_handoffs(now_iso=at.isoformat())


def _reminders(user):
    return Notification.objects.filter(recipient=user, kind__contains="unclaimed").count()


def test_ladder_reminds_admins_and_owners_once_per_step_then_stops(
    escalate, alice, sam, admin, owner, session
):
    handoff = escalate(alice, session)
    t0 = handoff.queued_at
    assert _sweep(t0 + timedelta(minutes=9))["reminded"] == 0
    assert _sweep(t0 + timedelta(minutes=10, seconds=1))["reminded"] == 1
    assert _sweep(t0 + timedelta(minutes=11))["reminded"] == 0  # once per step
    assert (_reminders(admin), _reminders(owner), _reminders(sam)) == (1, 1, 0)
    assert _sweep(t0 + timedelta(minutes=20, seconds=1))["reminded"] == 1
    assert _sweep(t0 + timedelta(minutes=45))["reminded"] == 0  # two steps, then silence
    assert _reminders(admin) == 2
    notes = list(
        handoff.events.filter(kind=EventKind.UNCLAIMED_REMINDER).values_list("note", flat=True)
    )
    assert notes == [
        "Still unclaimed after 10 min: admins and owners reminded.",
        "Still unclaimed after 20 min: admins and owners reminded.",
    ]


def test_claiming_stops_the_ladder(escalate, alice, sam, admin, session):
    handoff = escalate(alice, session)
    services.handoff_claim(actor=sam, handoff_id=handoff.pk)
    assert _sweep(handoff.queued_at + timedelta(minutes=30))["reminded"] == 0
    assert _reminders(admin) == 0


def test_ladder_uses_the_accounts_timeout(escalate, acme, alice, admin, session):
    acme.unclaimed_timeout_minutes = 3
    acme.save()
    handoff = escalate(alice, session)
    assert _sweep(handoff.queued_at + timedelta(minutes=3, seconds=1))["reminded"] == 1


def test_parks_never_climb_the_ladder(escalate, alice, admin, session):
    handoff = escalate(alice, session, intent="park")
    assert _sweep(handoff.queued_at + timedelta(hours=2))["reminded"] == 0


def test_beat_runs_the_ladder_and_the_delivery_sweeper_every_minute(settings):
    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert schedule["handoffs.tasks.sweep_handoffs"] == 60.0
    assert schedule["notifications.tasks.sweep_deliveries"] == 60.0
