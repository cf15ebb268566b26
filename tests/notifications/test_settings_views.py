"""Account settings (integrations, timeout) and the deliveries ledger page, for admins."""

from django.urls import reverse

from notifications.models import Delivery, DeliveryStatus, Integration, IntegrationKind
from notifications.services import delivery_send
from tests.factories import make_user
from tests.fakes.http_fakes import Reply
from tests.notifications.conftest import escalate, make_integration
from troubleshoot.models import Role

SLACK_URL = "https://hooks.slack.com/services/T000/B000/abcdefghijklmnopWXYZ"


def save_slack(client, url):
    return client.post(
        reverse("notifications:integration_save", args=["slack"]), {"slack-webhook_url": url}
    )


def test_settings_pages_are_for_admins_and_owners(client_for, admin, owner, sam, viewer):
    for user, status in ((admin, 200), (owner, 200), (sam, 403), (viewer, 403)):
        assert client_for(user).get(reverse("notifications:integrations")).status_code == status
        assert client_for(user).get(reverse("notifications:deliveries")).status_code == status
    assert save_slack(client_for(sam), SLACK_URL).status_code == 403
    assert not Integration.objects.exists()


def test_admin_saves_slack_and_the_url_is_shown_only_masked(client_for, admin, acme):
    client = client_for(admin)
    assert save_slack(client, SLACK_URL).status_code == 302
    slack = Integration.objects.get(account=acme, kind="slack")
    assert slack.secrets["webhook_url"] == SLACK_URL and slack.enabled
    html = client.get(reverse("notifications:integrations")).content.decode()
    assert SLACK_URL not in html and "abcdefghijklmnop" not in html
    assert "••••WXYZ" in html


def test_blank_secret_keeps_the_stored_one(client_for, admin, acme):
    client = client_for(admin)
    save_slack(client, SLACK_URL)
    assert save_slack(client, "").status_code == 302
    assert Integration.objects.get(account=acme).secrets["webhook_url"] == SLACK_URL


def test_non_https_and_malformed_webhooks_are_refused(client_for, admin, settings):
    settings.BATON_ALLOW_HTTP_WEBHOOKS = False
    client = client_for(admin)
    for bad, sentence in (
        ("http://hooks.slack.com/services/x", "must start with https://"),
        ("not a url", "Enter a complete URL"),
        ("https://", "Enter a complete URL"),
        ("https://user:pw@hooks.slack.com/x", "credentials"),
        ("", "This field is required"),
    ):
        response = save_slack(client, bad)
        assert response.status_code == 400, bad
        assert sentence in response.content.decode(), bad
    assert not Integration.objects.exists()


def test_saving_again_re_enables_a_disabled_integration(client_for, admin, acme):
    client = client_for(admin)
    save_slack(client, SLACK_URL)
    Integration.objects.update(enabled=False, disabled_reason="Slack said 404")
    html = client.get(reverse("notifications:integrations")).content.decode()
    assert "Slack said 404" in html
    save_slack(client, SLACK_URL.replace("WXYZ", "QRST"))
    slack = Integration.objects.get()
    assert slack.enabled and slack.disabled_reason == ""


def test_psa_form_names_missing_fields(client_for, admin):
    response = client_for(admin).post(
        reverse("notifications:integration_save", args=["psa"]),
        {"psa-kind": "connectwise", "psa-base_url": "https://api-na.myconnectwise.net"},
    )
    assert response.status_code == 400
    assert response.content.decode().count("This field is required") >= 3
    assert not Integration.objects.exists()


def test_psa_saved_and_one_psa_per_account(client_for, admin, acme):
    client = client_for(admin)
    common = {"psa-base_url": "https://acme.halopsa.com", "psa-client_id": "cid"}
    data = {"psa-kind": "halopsa", "psa-secret": "halo-secret-value", **common}
    assert (
        client.post(reverse("notifications:integration_save", args=["psa"]), data).status_code
        == 302
    )
    data = {
        "psa-kind": "autotask",
        "psa-base_url": "https://webservices5.autotask.net/ATServicesRest",
        "psa-username": "api@acme",
        "psa-integration_code": "CODE",
        "psa-secret": "s3cret-value",
    }
    assert (
        client.post(reverse("notifications:integration_save", args=["psa"]), data).status_code
        == 302
    )
    psa = Integration.objects.get(account=acme)
    assert psa.kind == "autotask" and psa.config["zone_url"].endswith("ATServicesRest")
    html = client.get(reverse("notifications:integrations")).content.decode()
    assert "s3cret-value" not in html


CONNECTWISE = {
    "psa-kind": "connectwise",
    "psa-base_url": "https://api-na.myconnectwise.net",
    "psa-company_id": "acme",
    "psa-public_key": "pub",
    "psa-client_id": "cid",
}


def test_a_saved_psa_secret_does_not_follow_a_changed_url(client_for, admin, acme):
    client = client_for(admin)
    url = reverse("notifications:integration_save", args=["psa"])
    assert client.post(url, {**CONNECTWISE, "psa-secret": "cw-private-key"}).status_code == 302
    moved = {**CONNECTWISE, "psa-base_url": "https://collector.example.net"}
    response = client.post(url, moved)  # secret left blank
    assert response.status_code == 400 and "type the secret again" in response.content.decode()
    psa = Integration.objects.get(account=acme)
    assert psa.config["site"] == "https://api-na.myconnectwise.net"
    assert psa.secrets == {"private_key": "cw-private-key"}
    # Same URL, other fields changed, secret blank: kept.
    assert client.post(url, {**CONNECTWISE, "psa-public_key": "pub2"}).status_code == 302
    assert Integration.objects.get().secrets == {"private_key": "cw-private-key"}
    # The new URL with the secret typed again is fine.
    assert client.post(url, {**moved, "psa-secret": "cw-key-2"}).status_code == 302
    assert Integration.objects.get().secrets == {"private_key": "cw-key-2"}


def test_unknown_slot_is_404(client_for, admin):
    url = reverse("notifications:integration_save", args=["pager"])
    assert client_for(admin).post(url, {}).status_code == 404


def test_send_test_shows_the_result_inline(client_for, admin, acme, fake_http):
    make_integration(acme, IntegrationKind.SLACK, fake_http)
    fake_http.route("/slack", Reply(404, "no_service"))
    response = client_for(admin).post(
        reverse("notifications:integration_test", args=["slack"]), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'class="test-result bad"' in html and "404" in html
    assert fake_http.base_url not in html


def test_send_test_without_integration_is_404(client_for, admin):
    url = reverse("notifications:integration_test", args=["teams"])
    assert client_for(admin).post(url).status_code == 404


def test_timeout_is_saved_and_bad_values_are_form_errors(client_for, admin, acme):
    client = client_for(admin)
    url = reverse("notifications:unclaimed_timeout")
    assert client.post(url, {"unclaimed_timeout_minutes": "15"}).status_code == 302
    acme.refresh_from_db()
    assert acme.unclaimed_timeout_minutes == 15
    response = client.post(url, {"unclaimed_timeout_minutes": "0"})
    assert response.status_code == 400 and "greater than or equal to 1" in response.content.decode()
    assert client.post(url, {"unclaimed_timeout_minutes": "ten"}).status_code == 400


def test_deliveries_page_filters_by_status_and_channel(
    client_for, admin, alice, sam, acme, fake_http
):
    make_integration(acme, IntegrationKind.SLACK, fake_http)
    fake_http.route("/slack", Reply(404, "no_service"))
    escalate(alice)
    delivery_send(delivery_id=Delivery.objects.get(channel="slack").pk)
    client = client_for(admin)
    failed = client.get(reverse("notifications:deliveries") + "?status=failed").content.decode()
    assert "Slack webhook" in failed and sam.email not in failed
    emails = client.get(reverse("notifications:deliveries") + "?channel=email").content.decode()
    assert sam.email in emails and "Slack webhook" not in emails
    assert client.get(reverse("notifications:deliveries") + "?status=bogus").status_code == 200


def test_the_ledger_names_each_kind_of_psa_write(client_for, admin, acme):
    for op in ("note", "time", "status"):
        Delivery.objects.create(
            account=acme,
            channel="psa",
            target="12345",
            subject="Write-back",
            payload={"op": op, "ticket": "12345", "session_id": 7},
            dedupe_key=f"psa-7-{op}",
            status=DeliveryStatus.SENT,
        )
    html = client_for(admin).get(reverse("notifications:deliveries") + "?channel=psa")
    cells = html.content.decode()
    assert all(f"<td>{label}</td>" in cells for label in ("PSA note", "PSA time entry"))
    assert "<td>PSA status change</td>" in cells
    assert '<option value="psa"' in cells and ">PSA</option>" in cells


def test_deliveries_of_another_account_are_invisible_and_not_retryable(
    client_for, alice, sam, globex, acme, fake_http
):
    make_integration(acme, IntegrationKind.SLACK, fake_http)
    escalate(alice)
    slack = Delivery.objects.get(channel="slack")
    other_admin = make_user(globex, Role.ADMIN)
    client = client_for(other_admin)
    assert sam.email not in client.get(reverse("notifications:deliveries")).content.decode()
    assert client.post(reverse("notifications:retry", args=[slack.pk])).status_code == 404


def test_retry_button_requeues_and_sent_rows_answer_409(
    client_for, admin, alice, acme, fake_http, django_capture_on_commit_callbacks
):
    make_integration(acme, IntegrationKind.SLACK, fake_http)
    fake_http.queue("/slack", Reply(400, "invalid_payload"))
    escalate(alice)
    slack = Delivery.objects.get(channel="slack")
    delivery_send(delivery_id=slack.pk)
    client = client_for(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notifications:retry", args=[slack.pk]))
    assert response.status_code == 302
    slack.refresh_from_db()
    assert slack.status == DeliveryStatus.SENT
    response = client.post(reverse("notifications:retry", args=[slack.pk]))
    assert response.status_code == 409 and "already sent" in response.content.decode()


def test_usermenu_links_to_settings_only_for_admins(client_for, admin, sam):
    admin_html = client_for(admin).get(reverse("notifications:list")).content.decode()
    sam_html = client_for(sam).get(reverse("notifications:list")).content.decode()
    assert reverse("notifications:deliveries") in admin_html
    assert reverse("notifications:deliveries") not in sam_html
    assert reverse("notifications:preferences") in sam_html
