"""The learning loop in Chromium: "seen before" on the pickup screen, a resolution that
proposes a tree update, the proposal in the editor, and the tree map, at 1366 px.
Screenshots: tests/e2e/artifacts/learning-*.png. No CSP violation on the way."""

from pathlib import Path

import pytest

from handoffs.services import handoff_claim, handoff_create
from tests.e2e.browser import (
    BrowserLiveServerTestCase,
    context_for,
    requires_browser,
    screenshot,
)
from tests.factories import make_account, make_team, make_user
from tests.factories_sessions import add_step, make_session
from troubleshoot.models import Role, Session, StepKind, TreeProposal
from troubleshoot.sessions import services as session_services
from troubleshoot.trees import services as tree_services

DEMO_TREE = (
    Path(__file__).resolve().parents[2]
    / "troubleshoot"
    / "trees"
    / "demo_data"
    / "outlook-not-syncing.json"
)

RECORD_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error("csp-violation " + e.effectiveDirective + " " + e.blockedURI + " on " +
    location.pathname + " at " + e.sourceFile + ":" + e.lineNumber + " " + e.sample + " " +
    (e.target && e.target.outerHTML ? e.target.outerHTML.slice(0, 200) : String(e.target)));
});
"""


@requires_browser
@pytest.mark.e2e
class LearningLoop(BrowserLiveServerTestCase):
    def setUp(self):
        acme = make_account("Acme MSP")
        team = make_team(acme, "Service Desk")
        self.alice = make_user(acme, Role.ENGINEER, name="Alice Junior", team=team)
        self.sam = make_user(acme, Role.ENGINEER, name="Sam Senior", team=team)
        self.tree = tree_services.tree_import(actor=self.sam, raw=DEMO_TREE.read_text())
        version = self.tree.latest_published
        # History: what fixed it last time.
        for summary, fix in [
            (
                "Outlook not syncing the finance mailbox",
                "Rebuilt the OST file (it had passed 50 GB) and enabled the online archive.",
            ),
            ("Printer offline at reception", "Gave the printer a DHCP reservation."),
            ("Outlook asks for the password all day", "Cleared Credential Manager."),
        ]:
            old = make_session(self.alice, problem_summary=summary)
            add_step(old, self.alice, kind=StepKind.NOTE, note="Restarted Outlook")
            session_services.session_resolve(
                actor=self.alice, session_id=old.pk, resolution_note=fix
            )
        self.matching = Session.objects.get(
            problem_summary="Outlook not syncing the finance mailbox"
        )
        # Today's escalation, from the tree's start step.
        self.stuck = make_session(
            self.alice,
            tree_version=version,
            problem_summary="Outlook mailbox for accounting is not syncing",
        )
        self.handoff = handoff_create(actor=self.alice, session_id=self.stuck.pk, intent="escalate")
        self.violations: list[str] = []

    def page(self, width=1366):
        context = context_for(self.browser, self.live_server_url, self.sam)
        context.set_default_timeout(10_000)
        context.add_init_script(RECORD_VIOLATIONS)
        page = context.new_page()
        page.set_viewport_size({"width": width, "height": 900})
        page.on(
            "console",
            lambda m: self.violations.append(m.text) if "csp-violation" in m.text else None,
        )
        return page

    def test_seen_before_proposal_and_map(self):
        page = self.page()

        # 1. The pickup screen finds the obviously matching resolved session, lazily.
        page.goto(f"/sessions/{self.stuck.pk}/pickup/")
        first = page.wait_for_selector("#seen-before .seen-before-item")
        assert "Outlook not syncing the finance mailbox" in first.inner_text()
        assert "Rebuilt the OST file" in first.inner_text()
        assert "Resolved by Alice Junior" in first.inner_text()
        page.locator("#seen-before").scroll_into_view_if_needed()
        screenshot(page, "learning-pickup-seen-before")

        # 2. Sam claims, and resolves with "Propose a tree update".
        handoff_claim(actor=self.sam, handoff_id=self.handoff.pk)
        page.goto(f"/sessions/{self.stuck.pk}/pickup/")
        page.fill("#resolve-note", "Mailbox was over 50 GB: rebuilt the OST and archived mail.")
        page.check("#propose-tree-update")
        page.click("button:has-text('Resolve')")
        page.wait_for_selector("text=A tree update was proposed")
        assert TreeProposal.objects.filter(tree=self.tree, status="pending").count() == 1

        # 3. The library and the editor say so; the proposal is marked in the draft.
        page.goto("/trees/")
        page.wait_for_selector("text=1 proposal from an escalation")
        page.goto(f"/trees/{self.tree.pk}/edit/")
        page.wait_for_selector("#proposals")
        page.locator("#proposals").scroll_into_view_if_needed()
        screenshot(page, "learning-editor-proposal")
        assert page.locator(".option-row.proposed").count() == 1
        page.click("#proposals button:has-text('Accept')")
        page.wait_for_selector("#proposals", state="detached")

        # 4. The tree map: boxes, arrows, the hot step, within a 1366-px screen.
        page.goto(f"/trees/{self.tree.pk}/")
        svg = page.wait_for_selector("svg.tm-svg")
        assert (
            page.locator("svg.tm-svg .tm-box").count() == self.tree.latest_published.nodes.count()
        )
        assert page.locator("svg.tm-svg .tm-box.hot").count() == 1
        box = svg.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 1366
        page.locator("#tree-map").scroll_into_view_if_needed()
        screenshot(page, "learning-tree-map")

        assert self.violations == []
