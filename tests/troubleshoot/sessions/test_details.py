"""Correcting a session's summary, client and ticket after it started: who may, what
is recorded, and the bad input each must survive."""

from unittest import mock

import pytest
from django.urls import reverse

from tests.factories_sessions import make_session
from troubleshoot.models import SessionStatus, Step, StepKind

pytestmark = pytest.mark.django_db

FIXED = {
    "problem_summary": "Printer offline at reception",
    "client_name": "Contoso",
    "psa_ticket": "#4711",
}


def details_url(session):
    return reverse("troubleshoot:session_details", args=[session.pk])


@pytest.fixture
def session(alice, tree_v1):
    return make_session(
        alice, tree_version=tree_v1, problem_summary="Printr ofline", psa_ticket="4117"
    )


def test_the_working_engineer_corrects_details_and_the_timeline_says_what_changed(
    client_for, alice, session
):
    client = client_for(alice)
    page = client.get(reverse("troubleshoot:session_detail", args=[session.pk]))
    assert details_url(session) in page.content.decode()
    assert client.get(details_url(session)).status_code == 200

    response = client.post(details_url(session), FIXED)

    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.problem_summary, session.client_name, session.psa_ticket) == (
        "Printer offline at reception",
        "Contoso",
        "4711",
    )
    audit = Step.objects.get(session=session, kind=StepKind.SYSTEM)
    assert audit.author == alice
    assert "summary “Printr ofline” → “Printer offline at reception”" in audit.text
    assert "ticket “4117” → “4711”" in audit.text
    assert "client “—” → “Contoso”" in audit.text


def test_saving_unchanged_details_records_nothing(client_for, alice, session):
    data = {"problem_summary": session.problem_summary, "client_name": "", "psa_ticket": "4117"}
    client_for(alice).post(details_url(session), data)
    assert not Step.objects.filter(session=session, kind=StepKind.SYSTEM).exists()


def test_bad_details_get_form_errors_and_change_nothing(client_for, alice, session):
    response = client_for(alice).post(
        details_url(session), {"problem_summary": "   ", "psa_ticket": "no digits"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "This field is required." in body
    assert "Use the ticket number" in body
    session.refresh_from_db()
    assert session.problem_summary == "Printr ofline"
    assert not Step.objects.filter(session=session, kind=StepKind.SYSTEM).exists()


def test_only_the_person_working_it_may_correct(client_for, sam, viewer, charlie, session):
    session.status = SessionStatus.ESCALATED
    session.save(update_fields=["status"])
    assert client_for(sam).post(details_url(session), FIXED).status_code == 403
    assert client_for(viewer).post(details_url(session), FIXED).status_code == 403
    assert client_for(charlie).post(details_url(session), FIXED).status_code == 404
    session.refresh_from_db()
    assert session.problem_summary == "Printr ofline"


def test_the_requester_corrects_a_waiting_escalation_but_not_a_claimed_one(
    client_for, alice, sam, session
):
    session.status = SessionStatus.ESCALATED
    session.save(update_fields=["status"])
    assert client_for(alice).post(details_url(session), FIXED).status_code == 302

    session.status, session.assignee = SessionStatus.CLAIMED, sam
    session.save(update_fields=["status", "assignee"])
    assert client_for(alice).post(details_url(session), FIXED).status_code == 403
    assert (
        client_for(sam).post(details_url(session), {**FIXED, "client_name": "Fabrikam"}).status_code
        == 302
    )


def test_the_other_party_hears_the_change(
    client_for, alice, sam, session, django_capture_on_commit_callbacks
):
    session.status, session.assignee = SessionStatus.CLAIMED, sam
    session.save(update_fields=["status", "assignee"])
    with (
        mock.patch("troubleshoot.live.events.publish_now") as publish,
        django_capture_on_commit_callbacks(execute=True),
    ):
        client_for(sam).post(details_url(session), FIXED)
    assert (
        mock.call(f"user-{alice.pk}", {"type": "session_updated", "session_id": session.pk})
        in publish.call_args_list
    )
