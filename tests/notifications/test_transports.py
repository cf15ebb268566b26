"""Each integration against a real local HTTP server; email once against real SMTP."""

import base64

from django.core import mail

from notifications.models import Delivery, DeliveryStatus, IntegrationKind
from notifications.services import delivery_send, integration_send_test
from tests.factories import make_user
from tests.fakes.http_fakes import Reply
from tests.fakes.smtp_fake import FakeSMTPServer
from tests.notifications.conftest import escalate, make_integration
from troubleshoot.models import Role

XSS_SUMMARY = "<script>alert('x')</script> & <b>Outlook</b> broken"


def send(channel) -> Delivery:
    d = Delivery.objects.get(channel=channel)
    delivery_send(delivery_id=d.pk)
    d.refresh_from_db()
    return d


def test_slack_posts_text_and_blocks_with_link_button(alice, sam, acme, fake_http, settings):
    settings.BATON_BASE_URL = "https://baton.example.com"
    make_integration(acme, IntegrationKind.SLACK, fake_http)
    escalate(alice, target=sam)
    assert send("slack").status == DeliveryStatus.SENT
    post = fake_http.requests_to("/slack")[0]
    assert post.method == "POST" and post.headers["content-type"] == "application/json"
    body = post.json
    assert body["text"].startswith("Escalation from Alice Junior · #12345: Outlook")
    flat = str(body["blocks"])
    assert "*Priority:* high" in flat and "#12345" in flat and "Sam Senior" in flat
    button = body["blocks"][-1]["elements"][0]
    assert button["url"] == "https://baton.example.com/sessions/7/pickup/"


def test_slack_payload_escapes_html_and_mrkdwn_control_characters(acme, sam, fake_http):
    make_integration(acme, IntegrationKind.SLACK, fake_http)
    mallory = make_user(acme, Role.ENGINEER, name="<!channel> Mallory")
    escalate(mallory, problem_summary=XSS_SUMMARY)
    send("slack")
    raw = fake_http.requests_to("/slack")[0].text
    assert "<script>" not in raw and "<!channel>" not in raw and "<b>" not in raw
    assert "&lt;script&gt;" in raw and "&amp;" in raw


def test_teams_posts_one_adaptive_card_1_2_with_open_action(alice, acme, fake_http):
    make_integration(acme, IntegrationKind.TEAMS, fake_http)
    fake_http.route("/teams", Reply(202, ""))
    escalate(alice, problem_summary=XSS_SUMMARY)
    assert send("teams").status == DeliveryStatus.SENT
    body = fake_http.requests_to("/teams")[0].json
    assert body["type"] == "message" and len(body["attachments"]) == 1
    attachment = body["attachments"][0]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.2"
    assert card["actions"][0]["type"] == "Action.OpenUrl"
    assert card["actions"][0]["url"].endswith("/sessions/7/pickup/")
    facts = {f["title"]: f["value"] for f in card["body"][-1]["facts"]}
    assert facts["Priority"] == "high" and facts["Ticket"] == "#12345"
    raw = fake_http.requests_to("/teams")[0].text
    assert "<script>" not in raw and "&lt;script&gt;" in raw


def test_teams_card_text_cannot_carry_markdown_links_or_formatting(alice, acme, fake_http):
    make_integration(acme, IntegrationKind.TEAMS, fake_http)
    fake_http.route("/teams", Reply(202, ""))
    escalate(alice, problem_summary="Reset here: [portal](https://evil.example) **now** a_b")
    send("teams")
    card = fake_http.requests_to("/teams")[0].json["attachments"][0]["content"]
    summary = card["body"][1]["text"]
    assert summary == r"Reset here: \[portal\](https://evil.example) \*\*now\*\* a\_b"


def test_teams_workflow_not_found_disables_integration(alice, acme, fake_http):
    teams = make_integration(acme, IntegrationKind.TEAMS, fake_http)
    fake_http.route("/teams", Reply(404, "WorkflowTriggerNotFound"))
    escalate(alice)
    assert send("teams").status == DeliveryStatus.FAILED
    teams.refresh_from_db()
    assert not teams.enabled


def test_connectwise_note_uses_basic_auth_client_id_and_internal_flag(alice, acme, fake_http):
    make_integration(acme, IntegrationKind.CONNECTWISE, fake_http)
    path = "/v4_6_release/apis/3.0/service/tickets/12345/notes"
    fake_http.route(path, Reply(201, {"id": 9001, "text": "..."}))
    escalate(alice)
    d = send("psa")
    assert d.status == DeliveryStatus.SENT and d.external_id == "9001"
    request = fake_http.requests_to(path)[0]
    user, password = base64.b64decode(request.headers["authorization"][6:]).decode().split(":")
    assert (user, password) == ("acme+pub123", "priv-secret-9876")
    assert request.headers["clientid"] == "client-uuid"
    assert request.json == {
        "text": "Checked OST size; rebuilt profile; still failing.",
        "internalAnalysisFlag": True,
    }


def test_autotask_note_sends_three_auth_headers_and_stores_item_id(alice, acme, fake_http):
    make_integration(acme, IntegrationKind.AUTOTASK, fake_http)
    path = "/ATServicesRest/V1.0/Tickets/12345/Notes"
    fake_http.route(path, Reply(200, {"itemId": 4242}))
    escalate(alice)
    d = send("psa")
    assert d.status == DeliveryStatus.SENT and d.external_id == "4242"
    request = fake_http.requests_to(path)[0]
    assert request.headers["apiintegrationcode"] == "CODE1"
    assert request.headers["username"] == "api@acme"
    assert request.headers["secret"] == "at-secret-5555"
    body = request.json
    assert body["description"].startswith("Checked OST size")
    assert {"title", "noteType", "publish"} <= set(body)


def test_halopsa_gets_a_token_then_posts_one_hidden_action(alice, acme, fake_http):
    make_integration(acme, IntegrationKind.HALOPSA, fake_http)
    fake_http.route("/auth/token", Reply(200, {"access_token": "tok-1", "expires_in": 3600}))
    fake_http.route("/api/actions", Reply(201, [{"id": 777, "ticket_id": 12345}]))
    escalate(alice)
    d = send("psa")
    assert d.status == DeliveryStatus.SENT and d.external_id == "777"
    token_request = fake_http.requests_to("/auth/token")[0]
    assert token_request.form["grant_type"] == "client_credentials"
    assert token_request.form["client_secret"] == "halo-secret-4321"
    action_request = fake_http.requests_to("/api/actions")[0]
    assert action_request.headers["authorization"] == "Bearer tok-1"
    [action] = action_request.json
    assert action["ticket_id"] == 12345 and action["hiddenfromuser"] is True
    assert action["note"].startswith("Checked OST size")


def test_halopsa_bad_client_secret_disables_the_psa(alice, acme, fake_http):
    halo = make_integration(acme, IntegrationKind.HALOPSA, fake_http)
    fake_http.route("/auth/token", Reply(401, {"error": "invalid_client"}))
    escalate(alice)
    d = send("psa")
    halo.refresh_from_db()
    assert d.status == DeliveryStatus.FAILED and "invalid_client" in d.last_error
    assert not halo.enabled
    assert fake_http.requests_to("/api/actions") == []


def test_non_numeric_ticket_fails_the_note_with_a_clear_sentence(alice, acme, fake_http):
    cw = make_integration(acme, IntegrationKind.CONNECTWISE, fake_http)
    escalate(alice, ticket="T2024.0001")
    d = send("psa")
    assert d.status == DeliveryStatus.FAILED and "numeric ticket id" in d.last_error
    cw.refresh_from_db()
    assert cw.enabled and fake_http.requests == []


def test_send_test_reports_success_and_failure_without_disabling(admin, acme, fake_http):
    slack = make_integration(acme, IntegrationKind.SLACK, fake_http)
    assert integration_send_test(actor=admin, slot="slack") == (
        True,
        "Slack accepted the test message.",
    )
    assert "test message" in fake_http.requests_to("/slack")[0].json["text"]
    fake_http.route("/slack", Reply(404, "no_service"))
    ok, message = integration_send_test(actor=admin, slot="slack")
    assert not ok and "404" in message
    assert fake_http.url() not in message  # the webhook URL is a secret
    slack.refresh_from_db()
    assert slack.enabled


def test_psa_check_connection_for_each_psa(admin, acme, fake_http):
    cw = make_integration(acme, IntegrationKind.CONNECTWISE, fake_http)
    fake_http.route("/v4_6_release/apis/3.0/system/info", Reply(200, {"version": "v2024.1"}))
    assert integration_send_test(actor=admin, slot="psa") == (
        True,
        "Connected to ConnectWise v2024.1.",
    )
    cw.delete()
    make_integration(acme, IntegrationKind.AUTOTASK, fake_http)
    fake_http.route("/ATServicesRest/V1.0/ThresholdInformation", Reply(401, "no"))
    ok, message = integration_send_test(actor=admin, slot="psa")
    assert not ok and "401" in message


def test_connection_refused_is_transient(alice, acme, fake_http):
    slack = make_integration(acme, IntegrationKind.SLACK, fake_http)
    dead_url = fake_http.url("/slack")
    fake_http.stop()
    slack.secrets = {"webhook_url": dead_url}
    slack.save()
    escalate(alice)
    d = send("slack")
    assert d.status == DeliveryStatus.PENDING and "connect" in d.last_error.lower()


def test_email_through_a_real_smtp_server(alice, sam, acme, settings):
    refused = make_user(acme, Role.ENGINEER, name="Gone Mailbox", email="gone@example.test")
    with FakeSMTPServer(refuse={"gone@example.test"}) as smtp:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = smtp.port
        settings.EMAIL_USE_TLS = False
        escalate(alice)
        assert send_email_to(sam.email).status == DeliveryStatus.SENT
        refused_delivery = send_email_to(refused.email)
    assert refused_delivery.status == DeliveryStatus.FAILED
    assert "refused" in refused_delivery.last_error
    [message] = smtp.messages
    assert message["To"] == sam.email
    assert message["Subject"].strip().startswith("Escalation from Alice Junior · #12345")
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert "/sessions/7/pickup/" in html and "/sessions/7/pickup/" in text
    assert mail.outbox == []  # it really went over SMTP


def send_email_to(address) -> Delivery:
    d = Delivery.objects.get(channel="email", target=address)
    delivery_send(delivery_id=d.pk)
    d.refresh_from_db()
    return d
