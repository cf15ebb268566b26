"""The AI enrichment task against a local fake of Anthropic's Messages API (the real
SDK pointed at it), and offline."""

import json

import pytest

from handoffs import services
from handoffs.models import AIStatus, Handoff
from handoffs.tasks import enrich_handoff
from tests.fakes.anthropic_server import FakeAnthropic, FakeReply

pytestmark = pytest.mark.django_db

ASSESSMENT_JSON = json.dumps(
    {
        "likely_cause": "A corrupt OST file after the mailbox passed 50 GB",
        "next_steps": ["Rebuild the OST", "Enable online archive"],
        "risk": "medium",
    }
)


@pytest.fixture
def anthropic(settings):
    with FakeAnthropic(reply_text=ASSESSMENT_JSON) as fake:
        settings.ANTHROPIC_API_KEY = "test-key"
        settings.ANTHROPIC_BASE_URL = fake.base_url
        settings.BATON_AI_TIMEOUT = 1.0
        settings.BATON_AI_MAX_RETRIES = 0
        yield fake


@pytest.fixture
def pending(alice, session):
    """A fresh escalation whose enrichment has not run yet (after-commit not executed)."""
    return services.handoff_create(actor=alice, session_id=session.pk, intent="escalate")


def test_assessment_from_the_model_is_saved_and_announced(
    anthropic, pending, django_capture_on_commit_callbacks
):
    from unittest import mock

    with mock.patch("troubleshoot.live.events.publish_now") as publish:
        with django_capture_on_commit_callbacks(execute=True):
            assert enrich_handoff.apply(args=(pending.pk,)).get() == "ready"
    pending.refresh_from_db()
    assert pending.ai_status == AIStatus.READY
    assert pending.ai_assessment["likely_cause"].startswith("A corrupt OST")
    assert pending.ai_assessment["next_steps"] == ["Rebuild the OST", "Enable online archive"]
    assert "Claude" in pending.ai_assessment["provider"]
    assert pending.escalation_package
    group, sent = publish.call_args_list[-1].args
    assert {"type": "assessment_ready", "handoff_id": pending.pk}.items() <= sent.items()
    assert group == f"session-{pending.session_id}"  # only the pickup screens hear it
    # The session text went to the model as data, inside the data block.
    request = anthropic.requests[-1]
    assert "<session_data>" in json.dumps(request["json"]["messages"])


def test_rerun_after_ready_does_not_call_the_model_again(anthropic, pending):
    enrich_handoff.apply(args=(pending.pk,))
    calls = len(anthropic.requests)
    assert enrich_handoff.apply(args=(pending.pk,)).get() == "skipped"
    assert len(anthropic.requests) == calls
    assert pending.events.filter(kind="assessment").count() == 1


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (FakeReply(status=500), "answered with an error (500)"),
        (FakeReply(status=429, retry_after=30), "rate-limiting"),
        (FakeReply(delay=3), "took too long"),
    ],
)
def test_model_failures_are_recorded_and_retry_works(
    anthropic, pending, client_for, sam, reply, message, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    anthropic.script([reply])
    assert enrich_handoff.apply(args=(pending.pk,)).get() == "failed"
    pending.refresh_from_db()
    assert pending.ai_status == AIStatus.FAILED
    assert message in pending.ai_error
    # The handoff itself is untouched by the failure.
    assert pending.status == "open"
    # Retry from the pickup screen: the fake answers normally now.
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(sam).post(reverse("handoffs:retry_assessment", args=[pending.pk]))
    assert response.status_code == 303
    pending.refresh_from_db()
    assert pending.ai_status == AIStatus.READY


def test_offline_provider_is_honest_and_useful(pending):
    assert enrich_handoff.apply(args=(pending.pk,)).get() == "ready"
    pending.refresh_from_db()
    assert "ffline" in pending.ai_assessment["provider"]
    assert pending.ai_assessment["next_steps"]


def test_missing_handoff_is_skipped_quietly(db):
    assert enrich_handoff.apply(args=(999999,)).get() == "skipped"


def test_lost_assessment_task_is_requeued_by_the_sweeper(
    pending, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from handoffs.tasks import sweep_handoffs

    later = pending.updated_at + timedelta(minutes=5)
    result = sweep_handoffs(now_iso=later.isoformat())
    assert result["assessments_requeued"] == 1
    assert Handoff.objects.get(pk=pending.pk).ai_status == AIStatus.READY
