"""Absolute links (emails, Slack/Teams, PSA notes, invitations) point where Baton is
served: the request's own host and port in embedded mode, BATON_BASE_URL in
production and outside requests."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import Delivery
from notifications.services import notify_unclaimed
from tests.factories_sessions import make_session
from troubleshoot.models import Role

pytestmark = pytest.mark.django_db


def _escalate_over_http(client_for, alice, host: str):
    session = make_session(alice, problem_summary="Scanner will not scan to email")
    response = client_for(alice).post(
        reverse("handoffs:handoff_form", args=[session.pk]),
        {"intent": "escalate", "priority": "high", "engineer_notes": ""},
        HTTP_HOST=host,
    )
    assert response.status_code == 303
    return session


def test_embedded_escalation_links_use_the_host_and_port_the_request_came_in_on(
    client_for, alice, sam
):
    session = _escalate_over_http(client_for, alice, "localhost:8201")
    email = Delivery.objects.get(channel="email", recipient=sam)
    assert email.payload["url"] == f"http://localhost:8201/sessions/{session.pk}/pickup/"


def test_production_links_come_from_the_setting_whatever_the_host_header(
    settings, client_for, alice, sam
):
    settings.BATON_LINKS_FROM_REQUEST = False
    settings.BATON_BASE_URL = "https://baton.example.com"
    session = _escalate_over_http(client_for, alice, "localhost:8201")
    email = Delivery.objects.get(channel="email", recipient=sam)
    assert email.payload["url"] == f"https://baton.example.com/sessions/{session.pk}/pickup/"


def test_invitation_link_uses_the_request_host(
    client_for, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(admin).post(
            reverse("invitation_create"),
            {"display_name": "Nina", "email": "nina@acme.test", "role": Role.VIEWER},
            HTTP_HOST="127.0.0.1:8201",
        )
    assert re.search(r"http://127\.0\.0\.1:8201/invitations/[\w-]+/", mail.outbox[0].body)


def test_links_made_outside_a_request_use_the_setting(settings, alice, admin):
    settings.BATON_BASE_URL = "http://127.0.0.1:8201"
    notify_unclaimed(
        account_id=alice.account_id,
        event_key="ladder-links",
        requester_name=alice.display_name,
        session_id=7,
        problem_summary="Printer offline",
        psa_ticket="",
        priority="normal",
        link_path="/sessions/7/pickup/",
        minutes_waiting=10,
    )
    email = Delivery.objects.get(channel="email", recipient=admin)
    assert email.payload["url"] == "http://127.0.0.1:8201/sessions/7/pickup/"
