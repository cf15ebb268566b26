"""Two-way PSA in a real browser against a live daphne server and a fake ConnectWise:
a ticket link fills the new-session form after the page is shown, and resolving
posts the write-up, which the session page shows turning ✓ live (the PSA answers
slowly, so the page is already showing the panel when the outcome arrives)."""

import pytest

from notifications.models import Integration, IntegrationKind
from tests.e2e.browser import BrowserLiveServerTestCase, context_for, requires_browser, screenshot
from tests.factories import make_account, make_team, make_user
from tests.fakes.http_fakes import FakeHTTPServer, Reply
from troubleshoot.models import Role

CW = "/v4_6_release/apis/3.0"
NOTE_DELAY = 3.0


@requires_browser
@pytest.mark.e2e
class TwoWayPSAInTheBrowser(BrowserLiveServerTestCase):
    @classmethod
    def server_settings(cls) -> dict:
        return {"BATON_TASKS_IN_THREAD": True}

    @classmethod
    def start_fakes(cls):
        cls.psa = FakeHTTPServer().start()

    @classmethod
    def stop_fakes(cls):
        cls.psa.stop()

    def setUp(self):
        acme = make_account("Acme MSP")
        team = make_team(acme, "Service Desk")
        self.alice = make_user(acme, Role.ENGINEER, name="Alice Junior", team=team)
        Integration.objects.create(
            account=acme,
            kind=IntegrationKind.CONNECTWISE,
            config={
                "site": self.psa.base_url,
                "company_id": "acme",
                "public_key": "pub",
                "client_id": "cid",
            },
            secrets={"private_key": "priv"},
        )
        self.psa.route(
            f"{CW}/service/tickets/12345",
            Reply(
                200,
                {
                    "id": 12345,
                    "summary": "Outlook asks for the password after the mailbox move",
                    "company": {"name": "Contoso Dental"},
                    "contactName": "Megan Bowen",
                    "priority": {"name": "Priority 2 - High"},
                },
            ),
        )
        self.psa.route(
            f"{CW}/service/tickets/12345/notes", Reply(201, {"id": 9001}, delay=NOTE_DELAY)
        )
        self.context = context_for(self.browser, self.live_server_url, self.alice)

    def tearDown(self):
        self.context.close()

    def test_start_from_a_ticket_and_see_the_note_reach_it(self):
        page = self.context.new_page()
        page.goto("/sessions/new/?ticket=12345")
        page.wait_for_selector(".psa-found", timeout=5_000)
        assert page.input_value("#id_problem_summary").startswith("Outlook asks for the password")
        assert page.input_value("#id_client_name") == "Contoso Dental"
        assert page.input_value("#id_contact_name") == "Megan Bowen"
        assert page.input_value("#id_ticket_priority") == "Priority 2 - High"
        screenshot(page, "psa-start-from-ticket")
        page.click("main button.primary[type=submit]")
        page.wait_for_url("**/sessions/*/")

        page.click("details.resolve-box summary")
        page.fill("details.resolve-box textarea[name=resolution_note]", "Re-entered the password.")
        page.click("details.resolve-box button[type=submit]")
        page.wait_for_url("**/sessions/*/")
        # The PSA takes NOTE_DELAY s: the panel first says the note is on its way...
        page.wait_for_selector(".psa-write.psa-sending, .psa-write.psa-pending", timeout=3_000)
        # ...then turns ✓ by itself when the send's outcome arrives over the websocket.
        page.wait_for_selector(".psa-write.psa-sent", timeout=NOTE_DELAY * 1000 + 5_000)
        panel = page.inner_text(".psa-panel")
        assert "Resolution note posted" in panel and "PSA id 9001" in panel
        screenshot(page, "psa-note-posted")
        [note] = self.psa.requests_to(f"{CW}/service/tickets/12345/notes")
        assert note.json["internalAnalysisFlag"] is True
