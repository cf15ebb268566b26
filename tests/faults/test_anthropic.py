"""The model fails three ways while an escalation is assessed: a 500, a 429 with
Retry-After, and an answer that never comes. Each ends as a `failed` assessment
with a sentence on the pickup screen, and its Retry button then works."""

import json
import time

import pytest
from django.urls import reverse

from handoffs.models import AIStatus
from tests.fakes.anthropic_server import FakeAnthropic
from tests.faults.conftest import escalate_over_http

pytestmark = pytest.mark.django_db

ASSESSMENT = json.dumps(
    {
        "likely_cause": "A corrupt OST after the mailbox passed 50 GB",
        "next_steps": ["Rebuild the OST", "Turn on the online archive"],
        "risk": "medium",
    }
)


@pytest.fixture
def anthropic(settings):
    with FakeAnthropic(reply_text=ASSESSMENT) as fake:
        settings.ANTHROPIC_API_KEY = "test-key"
        settings.ANTHROPIC_BASE_URL = fake.base_url
        settings.BATON_AI_TIMEOUT = 0.5
        settings.BATON_AI_MAX_RETRIES = 1  # the SDK's own retry, with its backoff
        yield fake


def assessment_fails_then_retry_works(
    anthropic, handoff, senior_client, capture, expected_error: str
) -> None:
    handoff.refresh_from_db()
    assert handoff.ai_status == AIStatus.FAILED
    assert expected_error in handoff.ai_error
    pickup = senior_client.get(reverse("handoffs:pickup", args=[handoff.session_id]))
    page = pickup.content.decode()
    assert "The assessment could not be written" in page and expected_error in page
    assert reverse("handoffs:retry_assessment", args=[handoff.pk]) in page

    anthropic.set(status=200, delay=0.0, retry_after=None)
    with capture(execute=True):
        response = senior_client.post(reverse("handoffs:retry_assessment", args=[handoff.pk]))
    assert response.status_code == 303
    handoff.refresh_from_db()
    assert handoff.ai_status == AIStatus.READY
    assert handoff.ai_assessment["likely_cause"].startswith("A corrupt OST")
    page = senior_client.get(response["Location"]).content.decode()
    assert "A corrupt OST after the mailbox passed 50 GB" in page


def test_server_error_fails_the_assessment_and_retry_writes_it(
    anthropic, alice, sam, session, client_for, django_capture_on_commit_callbacks
):
    anthropic.set(status=500)
    handoff = escalate_over_http(client_for(alice), session, django_capture_on_commit_callbacks)
    assert len(anthropic.requests) == 2  # the first try and the SDK's one retry
    assessment_fails_then_retry_works(
        anthropic,
        handoff,
        client_for(sam),
        django_capture_on_commit_callbacks,
        "The AI service answered with an error (500).",
    )


def test_rate_limit_waits_as_told_then_fails_with_the_wait_and_retry_writes_it(
    anthropic, alice, sam, session, client_for, django_capture_on_commit_callbacks
):
    anthropic.set(status=429, retry_after=2)
    started = time.monotonic()
    handoff = escalate_over_http(client_for(alice), session, django_capture_on_commit_callbacks)
    # The SDK waited the 2 s the server asked for before its second try.
    assert time.monotonic() - started >= 2
    assert len(anthropic.requests) == 2
    assessment_fails_then_retry_works(
        anthropic,
        handoff,
        client_for(sam),
        django_capture_on_commit_callbacks,
        "The AI service is rate-limiting us. Try again in 2 s.",
    )


def test_model_hanging_past_the_timeout_fails_the_assessment_and_retry_writes_it(
    anthropic, alice, sam, session, client_for, django_capture_on_commit_callbacks
):
    anthropic.set(delay=1.5)
    started = time.monotonic()
    handoff = escalate_over_http(client_for(alice), session, django_capture_on_commit_callbacks)
    # Two tries of 0.5 s plus the SDK's backoff: bounded, not 1.5 s per try.
    assert time.monotonic() - started < 4
    assessment_fails_then_retry_works(
        anthropic,
        handoff,
        client_for(sam),
        django_capture_on_commit_callbacks,
        "The AI service took too long to answer.",
    )
