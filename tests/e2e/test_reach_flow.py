"""Reaching a senior whose Baton tabs are in the background: one desktop alert per
escalation with the bell's title, whose click opens the pickup screen; and the
availability a senior sets in the top bar showing on a teammate's queue, live."""

import time

import pytest

from handoffs.models import Handoff
from notifications.models import Availability, Notification
from tests.e2e.browser import (
    BrowserLiveServerTestCase,
    context_for,
    pretend_hidden,
    requires_browser,
    screenshot,
)
from tests.factories import make_account, make_team, make_user
from tests.factories_sessions import make_session
from troubleshoot.models import Role

# Chromium's real Notification, wrapped so the test sees every alert a page raises
# (a headless browser has no notification centre to look at).
CAPTURE_ALERTS = """
(() => {
  const Real = window.Notification;
  if (!Real) return;
  window.__alerts = [];
  function Capturing(title, options) {
    const notification = new Real(title, options);
    window.__alerts.push({title: title, body: (options || {}).body, tag: (options || {}).tag,
                          notification: notification});
    return notification;
  }
  Capturing.prototype = Real.prototype;
  Object.defineProperty(Capturing, "permission", {get: () => Real.permission});
  Capturing.requestPermission = (...args) => Real.requestPermission(...args);
  window.Notification = Capturing;
})();
"""
ALERTS = "() => (window.__alerts || []).map(a => ({title: a.title, tag: a.tag, body: a.body}))"


@requires_browser
@pytest.mark.e2e
class ReachInTheBrowser(BrowserLiveServerTestCase):
    def setUp(self):
        self.acme = make_account("Acme MSP")
        team = make_team(self.acme, "Service Desk")
        self.alice = make_user(self.acme, Role.ENGINEER, name="Alice Junior", team=team)
        self.sam = make_user(self.acme, Role.ENGINEER, name="Sam Senior", team=team)
        self.sara = make_user(self.acme, Role.ENGINEER, name="Sara Senior", team=team)
        self.contexts = []

    def tearDown(self):
        for context in self.contexts:
            context.close()

    def context(self, user, *, notifications=False):
        context = context_for(self.browser, self.live_server_url, user)
        if notifications:
            context.grant_permissions(["notifications"], origin=self.live_server_url)
            context.add_init_script(CAPTURE_ALERTS)
        self.contexts.append(context)
        return context

    def open_queue(self, context):
        page = context.new_page()
        page.goto("/queue/")
        page.wait_for_selector("#live-dot[data-state=live]", timeout=10_000)
        return page

    def alerts(self, *pages):
        return [alert for page in pages for alert in page.evaluate(ALERTS)]

    def test_hidden_tabs_raise_one_desktop_alert_that_opens_the_pickup_screen(self):
        sam = self.context(self.sam, notifications=True)
        first, second = self.open_queue(sam), self.open_queue(sam)
        # One click opts in (the permission prompt only ever follows a click).
        optin = first.locator("#desktop-optin")
        assert optin.is_visible() and optin.get_attribute("aria-pressed") == "false"
        optin.click()
        first.wait_for_selector("#desktop-optin[aria-pressed=true]", timeout=3_000)
        second.wait_for_selector("#desktop-optin[aria-pressed=true]", timeout=3_000)
        screenshot(first, "reach-topbar")
        pretend_hidden(first)
        pretend_hidden(second)

        session = make_session(self.alice, problem_summary="VPN drops every five minutes")
        alice = self.context(self.alice).new_page()
        alice.goto(f"/sessions/{session.pk}/handoff/")
        alice.check("input[name=intent][value=escalate]")
        alice.select_option("select[name=target_user]", str(self.sam.pk))
        alice.click("text=Hand it off")
        alice.wait_for_url(f"**/sessions/{session.pk}/")
        handoff = Handoff.objects.get(session_id=session.pk)

        deadline = time.monotonic() + 5
        while not self.alerts(first, second) and time.monotonic() < deadline:
            first.wait_for_timeout(100)
        first.wait_for_timeout(1_500)  # a second alert would have come by now
        alerts = self.alerts(first, second)
        bell = Notification.objects.get(recipient=self.sam, event_key__startswith="handoff-")
        assert alerts == [
            {"title": bell.title, "tag": f"handoff-{handoff.pk}-created", "body": bell.body}
        ]
        assert bell.title.startswith("Escalation for you from Alice Junior")

        # Clicking the alert focuses the tab that raised it, on the pickup screen.
        raiser = first if self.alerts(first) else second
        raiser.evaluate("() => window.__alerts[0].notification.onclick()")
        raiser.wait_for_url(f"**/sessions/{session.pk}/pickup/", timeout=5_000)

    def test_a_visible_tab_takes_the_escalation_and_no_alert_is_raised(self):
        sam = self.context(self.sam, notifications=True)
        visible, hidden = self.open_queue(sam), self.open_queue(sam)
        visible.click("#desktop-optin")
        visible.wait_for_selector("#desktop-optin[aria-pressed=true]", timeout=3_000)
        pretend_hidden(hidden)
        session = make_session(self.alice, problem_summary="Printer offline")
        alice = self.context(self.alice).new_page()
        alice.goto(f"/sessions/{session.pk}/handoff/")
        alice.check("input[name=intent][value=escalate]")
        alice.click("text=Hand it off")
        alice.wait_for_url(f"**/sessions/{session.pk}/")
        visible.wait_for_selector(".queue-counts", timeout=3_000)
        visible.wait_for_timeout(2_000)
        assert self.alerts(visible, hidden) == []

    def test_availability_set_in_the_top_bar_shows_on_a_teammates_queue(self):
        sam = self.open_queue(self.context(self.sam))
        sara = self.open_queue(self.context(self.sara))
        sam.wait_for_selector("#availability-status", timeout=5_000)
        sara.wait_for_selector("#roster li", timeout=5_000)
        # Both have a tab open, so both were seen active: available.
        sara.wait_for_selector(
            f"#roster li[data-status=available]:has-text('{self.sam.display_name}')",
            timeout=5_000,
        )
        sam.select_option("#availability-status", "busy")
        sara.wait_for_selector(
            f"#roster li[data-status=busy]:has-text('{self.sam.display_name}')", timeout=5_000
        )
        assert Availability.objects.get(user=self.sam).status == "busy"
        screenshot(sara, "reach-queue-roster")

        # The preferences page offers push for this browser once its worker is ready.
        sam.goto("/notifications/preferences/")
        sam.wait_for_selector("#push-on:not([hidden])", timeout=5_000)
        assert not sam.locator("#push-off").is_visible()
        assert "Push is off for this browser." in sam.inner_text("#push-state")
        screenshot(sam, "reach-preferences")
