"""Sentences built from enums use words: "your escalation", never "your escalate".

Every transition is tried from every state, for both intents, by someone the rules let
that far; every bell title and every 409 sentence that results is checked.
"""

import re

import pytest

from handoffs import services
from handoffs.errors import AlreadyClaimed, HandoffConflict
from handoffs.models import INTENT_NOUNS, Handoff, HandoffStatus, Intent
from notifications.models import Notification
from tests.factories import make_user
from tests.factories_sessions import make_session
from troubleshoot.models import Role

pytestmark = pytest.mark.django_db

# An intent's raw value used as a noun: after a determiner, or before "is"/"was".
RAW_AS_NOUN = re.compile(
    r"\b(?:your|this|the|a|an|my)\s+(?:park|escalate)\b|\b(?:park|escalate)\s+(?:is|was)\b",
    re.IGNORECASE,
)
STATES = ["open", "claimed", "released", "cancelled", "resolved"]


@pytest.fixture
def sara(acme, acme_team):
    return make_user(acme, Role.ENGINEER, name="Sara Senior", team=acme_team)


@pytest.fixture
def handoff_in(alice, sam, django_capture_on_commit_callbacks):
    """handoff_in(intent, state) -> a fresh handoff of alice's, brought to that state."""

    def make(intent: str, state: str) -> Handoff:
        session = make_session(
            alice, problem_summary="Outlook is failing to sync email", psa_ticket="4711"
        )
        with django_capture_on_commit_callbacks(execute=True):
            handoff = services.handoff_create(actor=alice, session_id=session.pk, intent=intent)
        if state in ("claimed", "released", "resolved"):
            services.handoff_claim(actor=sam, handoff_id=handoff.pk)
        if state == "released":
            services.handoff_release(actor=sam, handoff_id=handoff.pk)
        if state == "resolved":
            services.handoff_resolve(actor=sam, handoff_id=handoff.pk)
        if state == "cancelled":
            services.handoff_cancel(actor=alice, handoff_id=handoff.pk)
        handoff.refresh_from_db()
        assert handoff.status == state
        return handoff

    return make


def transitions(alice, sam, sara, admin):
    """Each move, done by whoever gets furthest through its checks."""
    return {
        "claim": lambda h: services.handoff_claim(actor=sara, handoff_id=h.pk),
        "release": lambda h: services.handoff_release(actor=sam, handoff_id=h.pk),
        "reassign": lambda h: services.handoff_reassign(
            actor=admin, handoff_id=h.pk, to_user_id=sara.pk
        ),
        "cancel": lambda h: services.handoff_cancel(actor=alice, handoff_id=h.pk),
        "resolve": lambda h: services.handoff_resolve(actor=admin, handoff_id=h.pk),
        "reescalate": lambda h: services.handoff_reescalate(
            actor=alice, handoff_id=h.pk, priority="urgent"
        ),
        "retry assessment": lambda h: services.handoff_request_assessment(
            actor=sam, handoff_id=h.pk
        ),
    }


@pytest.mark.parametrize("intent", Intent.values)
def test_every_bell_title_and_409_names_the_handoff_in_words(
    intent, handoff_in, alice, sam, sara, admin, django_capture_on_commit_callbacks
):
    noun = INTENT_NOUNS[intent]
    conflicts: dict[tuple[str, str], str] = {}
    for state in STATES:
        for name, move in transitions(alice, sam, sara, admin).items():
            handoff = handoff_in(intent, state)
            try:
                with django_capture_on_commit_callbacks(execute=True):
                    move(handoff)
            except HandoffConflict as exc:
                conflicts[(name, state)] = exc.message

    assert conflicts, "no move was refused: the test reached no 409"
    for (name, state), message in conflicts.items():
        assert not RAW_AS_NOUN.search(message), (name, state, message)
        if name != "retry assessment" and not (name == "claim" and state == "claimed"):
            assert f"this {noun} is" in message, (name, state, message)
    # Every move has a state it is refused in; every 409 of a closed handoff says so.
    # (A park's skipped assessment may always be asked for.)
    refusable = set(transitions(alice, sam, sara, admin)) - (
        {"retry assessment"} if intent == Intent.PARK else set()
    )
    assert {name for name, _ in conflicts} == refusable
    closed = "resumed by its owner" if intent == Intent.PARK else "cancelled"
    assert conflicts[("release", "cancelled")] == f"Cannot release: this {noun} is {closed}."
    assert conflicts[("claim", "resolved")] == f"Cannot claim: this {noun} is resolved."

    titles = list(Notification.objects.filter(kind__startswith="handoff_").values_list("title"))
    assert titles
    for (title,) in titles:
        assert not RAW_AS_NOUN.search(title), title
    mine = set(
        Notification.objects.filter(recipient=alice, kind__startswith="handoff_").values_list(
            "title", flat=True
        )
    )
    ticket = " · #4711: Outlook is failing to sync email"
    assert f"Sam Senior picked up your {noun}{ticket}" in mine
    assert f"Adam Admin resolved your {noun}{ticket}" in mine
    assert f"Adam Admin handed your {noun} to Sara Senior{ticket}" in mine


def test_already_claimed_names_the_winner_not_the_enum(handoff_in, sara):
    handoff = handoff_in("escalate", "claimed")
    with pytest.raises(AlreadyClaimed) as caught:
        services.handoff_claim(actor=sara, handoff_id=handoff.pk)
    assert caught.value.message.startswith("Already claimed by Sam Senior at ")


def test_assessment_409_says_what_is_happening(handoff_in, sam):
    handoff = handoff_in("escalate", "open")  # written by the eager task: ready
    with pytest.raises(HandoffConflict, match=r"^The assessment is already written\.$"):
        services.handoff_request_assessment(actor=sam, handoff_id=handoff.pk)
    Handoff.objects.filter(pk=handoff.pk).update(ai_status="pending")
    with pytest.raises(HandoffConflict, match=r"^The assessment is already being written\.$"):
        services.handoff_request_assessment(actor=sam, handoff_id=handoff.pk)


def test_pickup_screen_of_a_park_calls_it_a_parked_session(handoff_in, client_for, sam):
    from django.urls import reverse

    handoff = handoff_in("park", "open")
    body = client_for(sam).get(reverse("handoffs:pickup", args=[handoff.session_id])).content
    assert b"No assessment was requested for this parked session." in body
    assert not RAW_AS_NOUN.search(body.decode())


def test_handoff_str_uses_words(handoff_in):
    handoff = handoff_in("escalate", "resolved")
    assert str(handoff) == f"Escalation #{handoff.pk} (resolved)"
    assert HandoffStatus.RESOLVED.label == "Resolved"
