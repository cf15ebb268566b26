"""The escalation path in a real browser (Debian's Chromium via Playwright) against
a live daphne server, each person in their own browser context.

One class, one server: a junior walks a tree and escalates; seniors watching the
queue see it live; two claim at once; the pickup screen fills in the assessment
by itself; a viewer and another account see nothing; a cut websocket recovers and
catches up. Screenshots land in tests/e2e/artifacts/ (ignored by git).
"""

import json
import time

import pytest

from handoffs.models import Handoff
from handoffs.services import handoff_create, handoff_reassign
from tests.e2e.browser import (
    BrowserLiveServerTestCase,
    context_for,
    pretend_hidden,
    requires_browser,
    screenshot,
)
from tests.factories import PASSWORD, make_account, make_team, make_user
from tests.factories_sessions import make_session, make_tree
from tests.fakes.anthropic_server import FakeAnthropic
from tests.fakes.tcp_proxy import TCPProxy
from troubleshoot.models import Role

ASSESSMENT = json.dumps(
    {
        "likely_cause": "A corrupt OST file after the mailbox passed 50 GB",
        "next_steps": ["Rebuild the OST", "Turn on the online archive"],
        "risk": "medium",
    }
)
# Long enough to see "Writing the assessment…" on the pickup screen first.
MODEL_DELAY = 6.0


@requires_browser
@pytest.mark.e2e
class EscalationInTheBrowser(BrowserLiveServerTestCase):
    @classmethod
    def server_settings(cls) -> dict:
        # Tasks on a thread in the server, as in embedded mode: the request returns at
        # once and the assessment arrives later, over the websocket.
        return {
            "BATON_TASKS_IN_THREAD": True,
            "ANTHROPIC_API_KEY": "e2e-key",
            "ANTHROPIC_BASE_URL": cls.anthropic.base_url,
            "BATON_AI_MAX_RETRIES": 0,
            "BATON_AI_TIMEOUT": 20,
        }

    @classmethod
    def start_fakes(cls):
        cls.anthropic = FakeAnthropic(reply_text=ASSESSMENT, delay=MODEL_DELAY).start()

    @classmethod
    def stop_fakes(cls):
        cls.anthropic.stop()

    def setUp(self):
        self.acme = make_account("Acme MSP")
        team = make_team(self.acme, "Service Desk")
        self.alice = make_user(
            self.acme, Role.ENGINEER, name="Alice Junior", email="alice@acme.test", team=team
        )
        self.sara = make_user(self.acme, Role.ENGINEER, name="Sara Senior", team=team)
        self.sam = make_user(self.acme, Role.ENGINEER, name="Sam Senior", team=team)
        self.sid = make_user(self.acme, Role.ENGINEER, name="Sid Senior", team=team)
        self.vera = make_user(self.acme, Role.VIEWER, name="Vera Viewer", team=team)
        self.tree = make_tree(self.acme, self.sam, title="Outlook will not sync", category="Email")
        self.contexts = []

    def tearDown(self):
        for context in self.contexts:
            context.close()

    def page_for(self, user=None, base_url=None):
        context = context_for(self.browser, base_url or self.live_server_url, user)
        self.contexts.append(context)
        return context.new_page()

    def watch_queue(self, user, base_url=None):
        page = self.page_for(user, base_url)
        page.goto("/queue/")
        page.wait_for_selector("#live-dot[data-state=live]", timeout=10_000)
        return page

    # 1-4 ------------------------------------------------------------------
    def test_junior_escalates_and_seniors_see_claim_and_pick_it_up_live(self):
        sara, sam = self.watch_queue(self.sara), self.watch_queue(self.sam)
        sid = self.watch_queue(self.sid)
        pretend_hidden(sid)
        original_title = sid.title()

        # 1. Alice logs in, starts a session from the tree, walks three steps.
        alice = self.page_for()
        alice.goto("/login/")
        alice.fill("input[name=login]", self.alice.email)
        alice.fill("input[name=password]", PASSWORD)
        alice.click("button[type=submit]")
        alice.wait_for_url(f"{self.live_server_url}/**")
        alice.goto(f"/trees/{self.tree.tree_id}/start/")
        alice.fill("input[name=problem_summary]", "Outlook stopped syncing for the finance team")
        alice.fill("input[name=client_name]", "Contoso Dental")
        alice.fill("input[name=psa_ticket]", "4711")
        alice.click("text=Start session")
        alice.wait_for_url("**/sessions/*/")
        session_id = int(alice.url.rstrip("/").split("/")[-1])
        alice.click("button.answer:has-text('Yes')")
        alice.wait_for_selector('button.answer:has-text("Didn\'t work")')
        alice.click('button.answer:has-text("Didn\'t work")')
        alice.wait_for_selector("text=Replace the power supply")
        alice.fill("textarea[name=note]", "PSU fan silent; swapped the cable, no change.")
        alice.click("text=Save note")
        alice.wait_for_selector("text=PSU fan silent")

        alice.goto(f"/sessions/{session_id}/handoff/")
        alice.check("input[name=intent][value=escalate]")
        alice.select_option("select[name=priority]", "high")
        alice.fill("textarea[name=engineer_notes]", "Suspect the OST; ticket #4711 has the logs.")
        alice.click("text=Hand it off")
        alice.wait_for_url(f"**/sessions/{session_id}/")
        escalated_at = time.monotonic()
        assert "Session escalated to the team." in alice.content()
        handoff = Handoff.objects.get(session_id=session_id)

        # 2. Sara's queue shows the card without a reload, within 2 s; the bell rises;
        #    Sid's hidden tab flashes its title.
        card = f"#handoff-{handoff.pk}"
        sara.wait_for_selector(card, timeout=2_000)
        assert time.monotonic() - escalated_at <= 2.5
        assert "Outlook stopped syncing" in sara.inner_text(card)
        sara.wait_for_selector("#bell-badge:not([hidden])", timeout=3_000)
        assert sara.inner_text("#bell-badge").strip().startswith("1")
        # The title alternates between the alert and the page's own title, so it
        # is caught while it shows the alert rather than read a moment later.
        sid.wait_for_function(
            "original => document.title.includes('New escalation') && document.title !== original",
            arg=original_title,
            timeout=3_000,
        )
        screenshot(sara, "queue")
        sara.click("#bell summary")
        sara.wait_for_selector("#bell-panel .bell-item", timeout=3_000)
        screenshot(sara, "bell-panel")
        sara.keyboard.press("Escape")

        # 3. Sara and Sam press Claim together: one lands on pickup, one is told.
        # Both pages press the button at one agreed instant (same machine clock).
        at = time.time() * 1000 + 400
        for page in (sara, sam):
            page.evaluate(
                """([selector, at]) => setTimeout(
                    () => document.querySelector(selector).click(), at - Date.now())""",
                [f"{card} button[type=submit]", at],
            )
        outcomes = {}
        deadline = time.monotonic() + 10
        while len(outcomes) < 2 and time.monotonic() < deadline:
            for name, page in (("sara", sara), ("sam", sam)):
                if "/pickup/" in page.url:
                    outcomes[name] = "won"
                elif "Already claimed by" in page.inner_text("body"):
                    outcomes[name] = "lost"
            time.sleep(0.1)
        assert sorted(outcomes.values()) == ["lost", "won"], outcomes
        winner = sara if outcomes["sara"] == "won" else sam
        loser = sam if winner is sara else sara
        winner_name = "Sara Senior" if winner is sara else "Sam Senior"
        time.sleep(1)  # the live refresh removing the card must not take the message
        assert f"Already claimed by {winner_name}" in loser.inner_text("#claim-result")
        sid.wait_for_selector(card, state="detached", timeout=3_000)

        # 4. The pickup screen writes the assessment, then shows it, no reload.
        winner.wait_for_selector("#assessment")
        winner.evaluate("() => { window.__sameDocument = true; }")
        assert "Writing the assessment" in winner.inner_text("#assessment")
        screenshot(winner, "pickup-writing")
        winner.wait_for_selector(
            "#assessment:has-text('A corrupt OST file')", timeout=(MODEL_DELAY + 8) * 1000
        )
        assert winner.evaluate("() => window.__sameDocument === true")
        screenshot(winner, "pickup")

    # 5 --------------------------------------------------------------------
    def test_viewer_cannot_open_the_queue_and_another_account_sees_nothing(self):
        globex = make_account("Globex IT")
        charlie = make_user(globex, Role.ENGINEER, name="Charlie Other")
        session = make_session(self.alice, problem_summary="Acme-only printer outage")
        charlie_page = self.watch_queue(charlie)

        handoff_create(actor=self.alice, session_id=session.pk, intent="escalate")
        handoff = Handoff.objects.get(session=session)

        viewer = self.page_for(self.vera)
        response = viewer.goto("/queue/")
        assert response.status == 403
        assert "Acme-only printer outage" not in viewer.content()

        time.sleep(1.5)  # long enough for a leaked live event to have arrived
        assert charlie_page.locator(f"#handoff-{handoff.pk}").count() == 0
        charlie_page.reload()
        assert "Acme-only printer outage" not in charlie_page.content()
        response = charlie_page.goto(f"/sessions/{session.pk}/pickup/")
        assert response.status == 404

    # 6 --------------------------------------------------------------------
    def test_cut_websocket_shows_reconnecting_then_catches_up(self):
        proxy = TCPProxy(self._port).start()
        try:
            base = f"http://127.0.0.1:{proxy.port}"
            sara = self.watch_queue(self.sara, base_url=base)
            proxy.cut()
            sara.wait_for_selector("#live-dot[data-state=reconnecting]", timeout=5_000)

            session = make_session(self.alice, problem_summary="Escalated while offline")
            handoff_create(actor=self.alice, session_id=session.pk, intent="escalate")
            handoff = Handoff.objects.get(session=session)
            time.sleep(1)
            assert sara.locator(f"#handoff-{handoff.pk}").count() == 0

            proxy.restore()
            sara.wait_for_selector("#live-dot[data-state=live]", timeout=30_000)
            sara.wait_for_selector(f"#handoff-{handoff.pk}", timeout=5_000)
        finally:
            proxy.stop()

    # 7 --------------------------------------------------------------------
    def test_open_pages_follow_a_parked_handoff_re_escalated_elsewhere(self):
        session = make_session(self.alice, problem_summary="Shared drive missing for accounts")
        handoff_create(
            actor=self.alice,
            session_id=session.pk,
            intent="park",
            engineer_notes="Parked before lunch",
        )
        pickup = f"/sessions/{session.pk}/pickup/"
        head = ".pickup-facts"

        # Sam opens the parked handoff's pickup screen.
        sam = self.page_for(self.sam)
        sam.goto(pickup)
        sam.wait_for_selector("#live-dot[data-state=live]", timeout=10_000)
        sam.evaluate("() => { window.__sameDocument = true; }")
        assert "Parked" in sam.inner_text(head) and "Normal priority" in sam.inner_text(head)
        assert "No assessment was requested for this parked session" in sam.inner_text(
            "#assessment"
        )
        live_fetches = []
        sam.on("request", lambda r: "/pickup/live/" in r.url and live_fetches.append(r.url))

        # Alice, in her own browser, re-escalates it from the same screen.
        alice = self.page_for(self.alice)
        alice.goto(pickup)
        alice.select_option("select[name=priority]", "urgent")
        alice.click("button:has-text('Re-escalate')")
        alice.wait_for_selector("text=Re-escalated: the team has been told again.")

        # Sam's screen follows without a reload: header, then the assessment.
        sam.wait_for_selector(f"{head}:has-text('Escalated')", timeout=3_000)
        assert "Urgent priority" in sam.inner_text(head)
        assert "Writing the assessment" in sam.inner_text("#assessment")
        # (Generous: the first assessment of a server process imports the AI client,
        # and this machine is shared.)
        sam.wait_for_selector(
            "#assessment:has-text('A corrupt OST file')", timeout=(MODEL_DELAY + 24) * 1000
        )
        assert sam.evaluate("() => window.__sameDocument === true")
        # Two events (re-escalated, assessment written), two fetches: Sam's page hears
        # the first in the account's group and the session's, and acts on it once.
        time.sleep(1)
        assert len(live_fetches) == 2, live_fetches

        # Vera (a viewer: not in the account's group) reads it; Alice watches her
        # session page. Sam claims, and while Vera's page is still fetching that, he
        # hands it to Sid: her page must end on Sid, not on the first answer.
        handoff = Handoff.objects.get(session=session)
        vera = self.page_for(self.vera)
        vera.goto(pickup)
        vera.wait_for_selector("#live-dot[data-state=live]", timeout=10_000)
        held = []

        def hold_the_first_fetch(route):
            if held:
                route.continue_()
                return
            held.append(route.request.url)
            answer = route.fetch()  # the state as it was when the fetch went out
            handoff_reassign(actor=self.sam, handoff_id=handoff.pk, to_user_id=self.sid.pk)
            time.sleep(2)  # the reassignment's event reaches the page meanwhile
            route.fulfill(response=answer)

        vera.route("**/pickup/live/", hold_the_first_fetch)
        alice.goto(f"/sessions/{session.pk}/")
        alice.wait_for_selector(".handoff-panel:has-text('Cancel escalation')", timeout=5_000)
        alice.wait_for_selector("#live-dot[data-state=live]", timeout=10_000)
        sam.click(".pickup-actions button:has-text('Claim')")
        vera.wait_for_selector(f"{head}:has-text('Claimed · Sid Senior')", timeout=8_000)
        assert held, "the first fetch was not held"
        alice.wait_for_selector(".handoff-panel:has-text('Claimed by Sid Senior')", timeout=5_000)
        assert "Handled by Sam Senior, Sid Senior" in vera.inner_text("#handoff-history")
        screenshot(vera, "pickup-followed-live")
