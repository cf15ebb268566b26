"""The figures the analytics read off the handoff row instead of the audit trail: the
first claim and the ladder's reminder count, kept by the services, and the migration
that fills them for older handoffs from their events."""

from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps

from handoffs import services
from handoffs.models import EventKind, Handoff, HandoffEvent
from handoffs.tasks import sweep_handoffs
from tests.factories import make_user
from tests.handoffs.analytics.conftest import T0, record_escalation, started
from troubleshoot.models import Role

pytestmark = pytest.mark.django_db

migration = import_module(
    "handoffs.migrations.0005_handoff_first_claim_reminders_and_covering_index"
)


@pytest.fixture
def senior2(acme, acme_team):
    return make_user(acme, Role.ENGINEER, name="Sara Senior", team=acme_team)


def test_the_first_claim_is_kept_through_a_release_and_a_re_claim(
    escalate, alice, sam, senior2, session
):
    handoff = escalate(alice, session)
    assert handoff.first_claimed_at is None
    services.handoff_claim(actor=sam, handoff_id=handoff.pk)
    handoff.refresh_from_db()
    first = handoff.first_claimed_at
    assert first is not None and first == handoff.claimed_at

    services.handoff_release(actor=sam, handoff_id=handoff.pk, note="Needs the network team")
    services.handoff_claim(actor=senior2, handoff_id=handoff.pk)
    handoff.refresh_from_db()
    assert handoff.claimed_at > first  # the current claim moved on ...
    assert handoff.first_claimed_at == first  # ... the first one did not


def test_each_ladder_reminder_counts_and_a_release_does_not_reset_the_count(
    escalate, alice, sam, session
):
    handoff = escalate(alice, session)
    t0 = handoff.queued_at
    sweep_handoffs(now_iso=(t0 + timedelta(minutes=10, seconds=1)).isoformat())
    sweep_handoffs(now_iso=(t0 + timedelta(minutes=20, seconds=1)).isoformat())
    handoff.refresh_from_db()
    assert (handoff.ladder_step, handoff.unclaimed_reminders) == (2, 2)

    services.handoff_claim(actor=sam, handoff_id=handoff.pk)
    services.handoff_release(actor=sam, handoff_id=handoff.pk, note="Not mine after all")
    handoff.refresh_from_db()
    sweep_handoffs(now_iso=(handoff.queued_at + timedelta(minutes=10, seconds=1)).isoformat())
    handoff.refresh_from_db()
    assert (handoff.ladder_step, handoff.unclaimed_reminders) == (1, 3)
    assert handoff.events.filter(kind=EventKind.UNCLAIMED_REMINDER).count() == 3


def test_backfill_reads_the_first_claim_and_counts_the_reminders(acme, alice, sam, outlook):
    reclaimed = record_escalation(
        started(alice, tree_version=outlook), claim_after=120, claimer=sam, reminders=2
    )
    HandoffEvent.objects.create(handoff=reclaimed, actor=sam, kind=EventKind.CLAIMED,
                                created_at=T0 + timedelta(hours=2))  # fmt: skip
    unclaimed = record_escalation(started(alice, tree_version=outlook), reminders=1)
    quiet = record_escalation(started(alice, tree_version=outlook), claim_after=30, claimer=sam)
    # As the rows stood before the fields existed.
    Handoff.objects.update(first_claimed_at=None, unclaimed_reminders=0)

    migration.backfill_first_claim_and_reminders(apps, None)

    rows = {
        h.pk: (h.first_claimed_at, h.unclaimed_reminders)
        for h in Handoff.objects.filter(pk__in=[reclaimed.pk, unclaimed.pk, quiet.pk])
    }
    assert rows == {
        reclaimed.pk: (T0 + timedelta(seconds=120), 2),  # the first of its two claims
        unclaimed.pk: (None, 1),
        quiet.pk: (T0 + timedelta(seconds=30), 0),
    }
