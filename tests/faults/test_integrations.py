"""The PSA and Slack failing in the ways they do: server errors and rate limits are
retried until sent once; dead credentials or webhooks disable the integration and
tell the admins; a PSA that never answers is failed with the reason, not re-posted."""

import pytest
from django.core import mail

from notifications.models import Delivery, DeliveryStatus, Notification
from notifications.services import delivery_retry
from notifications.services.sending import UNKNOWN_PSA_OUTCOME
from tests.fakes.http_fakes import Reply
from tests.faults.conftest import PSA_NOTE_PATH, escalate_over_http, sweep, time_passes

pytestmark = pytest.mark.django_db


def delivery(handoff, channel: str) -> Delivery:
    return Delivery.objects.get(account=handoff.account, channel=channel)


def admins_told(integration_name: str) -> set[str]:
    return set(
        Notification.objects.filter(
            kind="integration_disabled", title__contains=integration_name
        ).values_list("recipient__email", flat=True)
    )


def test_psa_server_error_is_retried_until_the_note_is_posted_once(
    alice, sam, session, psa, fake_http, client_for, django_capture_on_commit_callbacks
):
    fake_http.queue(PSA_NOTE_PATH, Reply(500, {"message": "database unavailable"}))
    fake_http.route(PSA_NOTE_PATH, Reply(201, {"id": 9001}))
    handoff = escalate_over_http(client_for(alice), session, django_capture_on_commit_callbacks)

    note = delivery(handoff, "psa")
    assert note.status == DeliveryStatus.PENDING
    assert "server error (500)" in note.last_error

    time_passes(61)
    sweep(django_capture_on_commit_callbacks)
    note.refresh_from_db()
    assert note.status == DeliveryStatus.SENT and note.external_id == "9001"
    posts = fake_http.requests_to(PSA_NOTE_PATH)
    assert len(posts) == 2 and posts[1].json["internalAnalysisFlag"] is True
    assert "Rebuilt the profile" in posts[1].json["text"]

    time_passes(3600)
    sweep(django_capture_on_commit_callbacks)
    assert len(fake_http.requests_to(PSA_NOTE_PATH)) == 2


def test_psa_rejecting_the_credentials_disables_it_and_tells_the_admins(
    alice,
    sam,
    admin,
    owner,
    session,
    psa,
    fake_http,
    client_for,
    django_capture_on_commit_callbacks,
):
    fake_http.route(PSA_NOTE_PATH, Reply(401, {"message": "bad api key"}))
    handoff = escalate_over_http(client_for(alice), session, django_capture_on_commit_callbacks)

    note = delivery(handoff, "psa")
    assert note.status == DeliveryStatus.FAILED
    assert "refused the credentials (401)" in note.last_error
    psa.refresh_from_db()
    assert not psa.enabled and "401" in psa.disabled_reason
    assert admins_told("ConnectWise") == {admin.email, owner.email}
    # The people were still told by email, each once.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([sam.email, admin.email, owner.email])

    time_passes(3600)
    sweep(django_capture_on_commit_callbacks)
    assert len(fake_http.requests_to(PSA_NOTE_PATH)) == 1


def test_psa_slower_than_the_timeout_fails_with_the_reason_and_is_not_posted_twice(
    settings,
    alice,
    sam,
    admin,
    session,
    psa,
    fake_http,
    client_for,
    django_capture_on_commit_callbacks,
):
    settings.BATON_HTTP_TIMEOUT = 0.5
    fake_http.route(PSA_NOTE_PATH, Reply(201, {"id": 9001}, delay=1.5))
    handoff = escalate_over_http(client_for(alice), session, django_capture_on_commit_callbacks)

    note = delivery(handoff, "psa")
    assert note.status == DeliveryStatus.FAILED
    assert "No answer within 0.5 s." in note.last_error
    assert UNKNOWN_PSA_OUTCOME in note.last_error

    # The sweeper never re-posts a note whose outcome is unknown...
    time_passes(3600)
    sweep(django_capture_on_commit_callbacks)
    assert len(fake_http.requests_to(PSA_NOTE_PATH)) == 1

    # ...an admin who checked the ticket can, and then it is sent once.
    fake_http.route(PSA_NOTE_PATH, Reply(201, {"id": 9002}))
    with django_capture_on_commit_callbacks(execute=True):
        delivery_retry(actor=admin, delivery_id=note.pk)
    note.refresh_from_db()
    assert note.status == DeliveryStatus.SENT and note.external_id == "9002"
    assert len(fake_http.requests_to(PSA_NOTE_PATH)) == 2


def test_slack_webhook_gone_disables_slack_and_tells_the_admins(
    alice, sam, admin, session, slack, fake_http, client_for, django_capture_on_commit_callbacks
):
    fake_http.route("/slack", Reply(404, "no_team"))
    handoff = escalate_over_http(client_for(alice), session, django_capture_on_commit_callbacks)

    post = delivery(handoff, "slack")
    assert post.status == DeliveryStatus.FAILED
    assert "does not know this address (404)" in post.last_error
    slack.refresh_from_db()
    assert not slack.enabled
    assert admins_told("Slack") == {admin.email}

    time_passes(3600)
    sweep(django_capture_on_commit_callbacks)
    assert len(fake_http.requests_to("/slack")) == 1


def test_slack_rate_limit_waits_for_retry_after_then_posts_once(
    alice, sam, session, slack, fake_http, client_for, django_capture_on_commit_callbacks
):
    fake_http.queue("/slack", Reply(429, "rate_limited", headers={"Retry-After": "20"}))
    handoff = escalate_over_http(client_for(alice), session, django_capture_on_commit_callbacks)

    post = delivery(handoff, "slack")
    assert post.status == DeliveryStatus.PENDING
    wait = (post.next_attempt_at - post.updated_at).total_seconds()
    assert 19 <= wait <= 21

    time_passes(10)  # not due yet: the sweeper leaves it alone
    sweep(django_capture_on_commit_callbacks)
    assert len(fake_http.requests_to("/slack")) == 1

    time_passes(45)
    sweep(django_capture_on_commit_callbacks)
    post.refresh_from_db()
    assert post.status == DeliveryStatus.SENT and post.attempts == 2
    assert len(fake_http.requests_to("/slack")) == 2
    assert "Outlook stopped syncing" in fake_http.requests_to("/slack")[1].json["text"]
