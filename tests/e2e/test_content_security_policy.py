"""The Content-Security-Policy holds on Baton's main pages in a real browser.

Every page is served with a CSP that allows no inline script, style or event handler
and no eval. Chromium reports each thing the policy blocks as a
`securitypolicyviolation` event; this test records those (and htmx refusing to eval a
trigger filter) on the main pages of an engineer, an admin and a staff user, while
using the htmx parts (bell, live socket, partial swaps, live timeline), and expects none.
"""

import json

import pytest

from handoffs.services import handoff_claim, handoff_create
from tests.e2e.browser import BrowserLiveServerTestCase, context_for, requires_browser
from tests.factories import make_account, make_team, make_user
from tests.factories_sessions import add_step, make_session, make_tree
from troubleshoot.models import Role

# Runs in every page before its own scripts; reports through the console, which the
# test hears across navigations.
RECORD_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error("csp-violation " + JSON.stringify({
    directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample,
    source: e.sourceFile, line: e.lineNumber, page: location.pathname}));
});
document.addEventListener("htmx:evalDisallowedError", () => {
  console.error("csp-violation " + JSON.stringify({htmx: "eval disallowed",
    page: location.pathname}));
});
window.print = () => { window.__printed = true; };
"""


@requires_browser
@pytest.mark.e2e
class NoPolicyViolationsOnTheMainPages(BrowserLiveServerTestCase):
    def setUp(self):
        self.acme = make_account("Acme MSP")
        team = make_team(self.acme, "Service Desk")
        self.alice = make_user(self.acme, Role.ENGINEER, name="Alice Junior", team=team)
        self.sam = make_user(self.acme, Role.ENGINEER, name="Sam Senior", team=team)
        self.adam = make_user(
            self.acme, Role.ADMIN, name="Adam Admin", team=team, is_staff=True, is_superuser=True
        )
        self.version = make_tree(self.acme, self.adam, title="Printer offline")
        self.tree_id = self.version.tree_id
        self.session = make_session(
            self.alice,
            tree_version=self.version,
            problem_summary="Printer offline again",
            assignee=self.sam,
        )
        add_step(self.session, self.alice, note="Checked the cable.")
        self.chat = make_session(self.alice, problem_summary="VPN drops every hour")
        escalated = make_session(self.alice, problem_summary="Mailbox full")
        handoff_create(actor=self.alice, session_id=escalated.pk, intent="escalate")
        self.picked_up = escalated.handoffs.get()
        handoff_claim(actor=self.sam, handoff_id=self.picked_up.pk)
        self.violations: list[dict] = []
        self.contexts = []

    def tearDown(self):
        for context in self.contexts:
            context.close()

    def page_for(self, user=None):
        context = context_for(self.browser, self.live_server_url, user)
        context.add_init_script(RECORD_VIOLATIONS)
        self.contexts.append(context)
        page = context.new_page()
        page.on("console", self._heard)
        page.on("pageerror", lambda exc: self.violations.append({"pageerror": str(exc)}))
        return page

    def _heard(self, message):
        if message.text.startswith("csp-violation "):
            self.violations.append(json.loads(message.text.removeprefix("csp-violation ")))
        elif "Content Security Policy" in message.text:
            self.violations.append({"console": message.text})

    def visit(self, page, path: str, *, live: bool = True):
        response = page.goto(path)
        assert response.status == 200, (path, response.status)
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, (path, policy)
        assert "unsafe-eval" not in policy
        assert "camera=()" in response.headers.get("permissions-policy", ""), path
        if live:  # the websocket connected under connect-src
            page.wait_for_selector("#live-dot[data-state=live]", timeout=10_000)
        page.wait_for_load_state("networkidle")

    def test_an_engineers_pages(self):
        page = self.page_for(self.alice)
        for path in [
            "/",
            "/trees/",
            f"/trees/{self.tree_id}/",
            f"/trees/{self.tree_id}/start/",
            "/trees/import/",
            "/sessions/",
            f"/sessions/{self.chat.pk}/",
            f"/sessions/{self.session.pk}/handoff/",
            "/queue/",
            "/notifications/",
            "/notifications/preferences/",
            "/account/members/",
            "/password/",
        ]:
            self.visit(page, path)

        # htmx at work: the search box, the bell panel, the queue filter.
        self.visit(page, "/trees/")
        page.fill("input[name=q]", "print")
        page.wait_for_load_state("networkidle")
        page.click("#bell summary")
        page.wait_for_selector("#bell-panel", timeout=5_000)
        self.visit(page, "/queue/")
        page.select_option("#queue-filters select >> nth=0", index=1)
        page.wait_for_load_state("networkidle")

        # A note Alice saves reaches the timeline her assignee Sam has open, live.
        other = self.page_for(self.sam)
        self.visit(other, f"/sessions/{self.session.pk}/")
        self.visit(page, f"/sessions/{self.session.pk}/")
        page.fill(".composer textarea[name=note]", "Power-cycled the printer.")
        page.click("text=Save note")
        other.wait_for_selector("#timeline:has-text('Power-cycled the printer')", timeout=5_000)

        # The print sheet's button works without an inline handler.
        self.visit(page, f"/sessions/{self.session.pk}/print/", live=False)
        page.click("[data-print]")
        assert page.evaluate("() => window.__printed === true")

        assert self.violations == []

    def test_an_admins_pages(self):
        page = self.page_for(self.adam)
        for path in [
            "/",
            "/account/members/",
            "/account/integrations/",
            "/account/deliveries/",
            f"/trees/{self.tree_id}/edit/",
            "/trees/new/",
            f"/sessions/{self.picked_up.session_id}/",
            "/queue/",
        ]:
            self.visit(page, path)
        sam = self.page_for(self.sam)
        self.visit(sam, f"/sessions/{self.picked_up.session_id}/pickup/")
        for path in [
            "/admin/",
            "/admin/troubleshoot/user/",
            f"/admin/troubleshoot/user/{self.alice.pk}/change/",
        ]:
            self.visit(page, path, live=False)
        assert self.violations == []

    def test_the_pages_before_login(self):
        page = self.page_for()
        for path in ["/login/", "/signup/"]:
            self.visit(page, path, live=False)
        assert self.violations == []
