"""A phone's width, the keyboard alone, and a screen reader's live region, in Chromium.

- At 390 px the queue, the pickup screen, a session walk and the open bell (and the
  user menu) fit the viewport: nothing scrolls sideways, the menus are not clipped,
  the nav sits behind a menu button and Claim spans its card. Screenshots land in
  tests/e2e/artifacts/ (phone-*.png).
- A senior claims an escalation from the queue with Tab and Enter only; every control
  on the way shows a focus ring; the bell opens with Enter and closes with Escape.
- A new escalation arriving on the queue is announced in the polite live region, and
  the focused Claim button keeps focus while the new card slides in above it.
"""

import pytest
from django.core.management import call_command

from handoffs.models import Handoff, HandoffStatus
from handoffs.services import handoff_claim, handoff_create
from tests.e2e.browser import (
    BrowserLiveServerTestCase,
    requires_browser,
    screenshot,
    session_cookie,
)
from tests.factories_sessions import make_session
from troubleshoot.models import Session, User
from troubleshoot.trees.models import ProposalStatus, Tree, TreeProposal

PHONE = {"width": 390, "height": 844}

FITS = """() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
})"""

# What sticks out past the right edge (for the failure message): the top bar and the
# page, leaving out what sits inside a box that scrolls or clips it.
STICKING_OUT = """() => {
    const out = [];
    const clipped = el => {
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
            if (getComputedStyle(p).overflowX !== 'visible') return true;
        }
        return false;
    };
    document.querySelectorAll('header.topbar *, main *').forEach(el => {
        const r = el.getBoundingClientRect();
        if (r.right <= window.innerWidth + 1 || clipped(el)) return;
        const cls = (el.getAttribute('class') || '').trim().split(/\\s+/).join('.');
        out.push(el.tagName.toLowerCase() + (cls ? '.' + cls : '') + ' ' + Math.round(r.right));
    });
    return out.slice(0, 8);
}"""


def person(name: str) -> User:
    return User.objects.get(email=f"{name}@northwind.example")


@requires_browser
@pytest.mark.e2e
class PhoneKeyboardAndScreenReader(BrowserLiveServerTestCase):
    def setUp(self):
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        self.contexts = []
        self.urgent = Handoff.objects.get(
            session__problem_summary__startswith="Outlook is failing to sync email for the whole"
        )

    def tearDown(self):
        for context in self.contexts:
            context.close()

    def page_as(self, who: str, viewport=None, scheme="light"):
        context = self.browser.new_context(
            base_url=self.live_server_url,
            viewport=viewport or {"width": 1280, "height": 860},
            color_scheme=scheme,
        )
        cookie = session_cookie(person(who))
        context.add_cookies([{"name": "sessionid", "value": cookie, "url": self.live_server_url}])
        self.contexts.append(context)
        return context.new_page()

    def assert_fits(self, page, what: str) -> None:
        sizes = page.evaluate(FITS)
        assert sizes["scrollWidth"] <= sizes["innerWidth"], f"{what} scrolls sideways: {sizes}"

    def assert_inside_viewport(self, page, selector: str) -> None:
        box = page.locator(selector).bounding_box()
        assert box is not None, f"{selector} is not shown"
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (selector, box)

    # ------------------------------------------------------------------------
    def test_phone_width_queue_pickup_walk_and_bell_fit_the_screen(self):
        page = self.page_as("sara", PHONE)
        page.goto("/queue/")
        page.wait_for_selector("#live-dot[data-state=live]", timeout=10_000)
        # The nav is folded behind the menu button; the bell and user menu are on screen.
        assert not page.locator(".mainnav").is_visible()
        for control in ("#navmenu > summary", "#bell > summary", "details.usermenu > summary"):
            self.assert_inside_viewport(page, control)
        # So are the availability control and the desktop-alerts button (a second row).
        page.wait_for_selector("#availability-status")
        page.wait_for_selector("#desktop-optin", state="visible")
        for control in ("#availability-status", "#desktop-optin"):
            self.assert_inside_viewport(page, control)
        assert page.text_content("#desktop-optin").startswith("Desktop alerts")
        # Cards stack: Claim spans the card's width.
        card = page.locator(f"#handoff-{self.urgent.pk}").bounding_box()
        claim = page.locator(f"#handoff-{self.urgent.pk}-claim").bounding_box()
        assert claim["width"] > card["width"] * 0.8, (card, claim)
        self.assert_fits(page, "queue")
        screenshot(page, "phone-queue")

        page.click("#navmenu > summary")
        page.wait_for_selector(".mainnav a:has-text('Sessions')", state="visible")
        self.assert_inside_viewport(page, ".mainnav")
        self.assert_fits(page, "queue with the menu open")
        screenshot(page, "phone-menu")
        page.keyboard.press("Escape")
        assert not page.locator(".mainnav").is_visible()

        page.click("#bell > summary")
        page.wait_for_selector("#bell-panel .bell-head", timeout=10_000)
        self.assert_inside_viewport(page, "#bell-panel")
        self.assert_fits(page, "bell")
        screenshot(page, "phone-bell")
        page.keyboard.press("Escape")

        page.click("details.usermenu > summary")
        self.assert_inside_viewport(page, "details.usermenu .menu")
        self.assert_fits(page, "user menu")
        page.keyboard.press("Escape")

        page.goto(f"/sessions/{self.urgent.session_id}/pickup/")
        claim_button = page.locator(".pickup-actions button:has-text('Claim')")
        self.assert_inside_viewport(page, ".pickup-actions button:has-text('Claim')")
        assert claim_button.is_visible()
        self.assert_fits(page, "pickup")
        screenshot(page, "phone-pickup")

        jane_page = self.page_as("jane", PHONE, scheme="dark")
        walked = Session.objects.get(
            user=person("jane"),
            problem_summary="Outlook is failing to sync email for the finance mailbox",
        )
        jane_page.goto(f"/sessions/{walked.pk}/")
        jane_page.wait_for_selector(".walker")
        self.assert_inside_viewport(jane_page, ".walker .answers .button >> nth=0")
        self.assert_fits(jane_page, "session walk")
        screenshot(jane_page, "phone-session-walk-dark")

    def test_the_other_main_pages_fit_a_phone_too(self):
        tree = Tree.objects.filter(account=person("olivia").account).order_by("pk").first()
        proposed = TreeProposal.objects.filter(
            tree__account=person("olivia").account, status=ProposalStatus.PENDING
        ).first()
        page = self.page_as("olivia", PHONE)
        wide = {}
        for url in [
            "/sessions/",
            "/sessions/new/chat/",
            "/trees/",
            f"/trees/{tree.pk}/",
            f"/trees/{tree.pk}/edit/",
            "/notifications/",
            "/notifications/preferences/",
            "/account/profile/",
            "/account/tokens/",
            "/account/members/",
            "/account/integrations/",
            "/account/webhooks/",
            "/account/deliveries/",
            f"/trees/{proposed.tree_id}/edit/",
            "/analytics/",
            "/psa/demo/tickets/12345/",
        ]:
            page.goto(url)
            sizes = page.evaluate(FITS)
            if sizes["scrollWidth"] > sizes["innerWidth"]:
                wide[url] = (sizes["scrollWidth"], page.evaluate(STICKING_OUT))
                screenshot(page, "phone-too-wide-" + url.strip("/").replace("/", "-"))
        assert not wide, f"these pages scroll sideways at {PHONE['width']} px: {wide}"

    # ------------------------------------------------------------------------
    def test_keyboard_only_claims_an_escalation_from_the_queue(self):
        page = self.page_as("sara")
        page.goto("/queue/")
        page.wait_for_selector("#live-dot[data-state=live]", timeout=10_000)

        # The bell opens with Enter and closes with Escape, focus back on its button.
        self.tab_to(page, "#bell > summary")
        page.keyboard.press("Enter")
        page.wait_for_selector("#bell-panel .bell-head", timeout=10_000)
        assert page.evaluate("() => document.getElementById('bell').open")
        page.keyboard.press("Escape")
        assert not page.evaluate("() => document.getElementById('bell').open")
        assert page.evaluate("() => document.activeElement.matches('#bell > summary')")

        claim = f"#handoff-{self.urgent.pk}-claim"
        self.tab_to(page, claim)
        screenshot(page, "keyboard-claim-focused")
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/sessions/{self.urgent.session_id}/pickup/")
        self.urgent.refresh_from_db()
        assert self.urgent.status == HandoffStatus.CLAIMED
        assert self.urgent.claimed_by == person("sara")

    def test_answering_a_step_by_keyboard_moves_focus_to_the_next_step(self):
        jane = person("jane")
        walked = Session.objects.get(
            user=jane, problem_summary="Outlook is failing to sync email for the finance mailbox"
        )
        page = self.page_as("jane")
        page.goto(f"/sessions/{walked.pk}/")
        before = page.text_content("#walker h2")
        self.tab_to(page, "#walker .answers button")
        page.keyboard.press("Enter")
        page.wait_for_function(
            "(before) => document.querySelector('#walker h2').textContent !== before", arg=before
        )
        assert page.evaluate("() => document.activeElement.matches('#walker h2')")

    def test_keyboard_focus_on_the_availability_link_survives_its_late_fetch(self):
        """The top bar's availability control arrives after the page (an htmx fetch on
        load) and replaces its placeholder link. A keyboard user standing on that link
        when it lands keeps the focus, now on the select, instead of being thrown back
        to the top of the page (which made the walker test above flaky on a slow run).
        """
        held = []
        page = self.page_as("jane")
        page.route("**/availability/", lambda route: held.append(route))
        page.goto("/sessions/")
        for _ in range(50):
            if held:
                break
            page.wait_for_timeout(100)
        assert held, "the availability control was not fetched"
        self.tab_to(page, "#reach a")
        held[0].continue_()
        page.wait_for_selector("#availability-status")
        focused = page.evaluate(
            """() => ({
                what: document.activeElement.outerHTML.slice(0, 80),
                visible: document.activeElement.matches(':focus-visible'),
            })"""
        )
        assert 'id="availability-status"' in focused["what"], f"focus went to {focused['what']}"
        assert focused["visible"]

    def tab_to(self, page, selector: str, limit: int = 80) -> None:
        """Press Tab until `selector` has focus; every stop shows a focus ring."""
        for _ in range(limit):
            page.keyboard.press("Tab")
            stop = page.evaluate(
                """() => {
                    const el = document.activeElement;
                    const style = getComputedStyle(el);
                    return {
                        what: el.outerHTML.slice(0, 120),
                        ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
                        visible: el.matches(':focus-visible'),
                    };
                }"""
            )
            assert stop["visible"] and stop["ring"], f"no visible focus on {stop['what']}"
            if page.evaluate("(s) => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"{selector} not reached with {limit} Tabs")

    # ------------------------------------------------------------------------
    def test_new_escalation_is_announced_and_focus_survives_cards_coming_and_going(self):
        page = self.page_as("sara")
        page.goto("/queue/")
        page.wait_for_selector("#live-dot[data-state=live]", timeout=10_000)
        claim = f"#handoff-{self.urgent.pk}-claim"
        page.focus(claim)

        jim = person("jim")
        session = make_session(jim, problem_summary="Teams calls drop after ten minutes")
        new = handoff_create(actor=jim, session_id=session.pk, intent="escalate", priority="urgent")
        page.wait_for_selector(f"#handoff-{new.pk}", timeout=10_000)
        page.wait_for_function(
            "() => document.getElementById('queue-announcer').textContent.length > 0"
        )
        assert page.text_content("#queue-announcer") == (
            "New urgent escalation from Jim Junior: Teams calls drop after ten minutes"
        )
        assert page.evaluate("(s) => document.activeElement.matches(s)", claim)

        # Sam claims the focused card elsewhere: it leaves, and focus goes to the card
        # now in its place, not to the top of the page.
        handoff_claim(actor=person("sam"), handoff_id=self.urgent.pk)
        page.wait_for_selector(f"#handoff-{self.urgent.pk}", state="detached", timeout=10_000)
        page.wait_for_function("() => document.activeElement.closest('#queue-list .qcard')")
