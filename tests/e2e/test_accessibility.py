"""axe-core on every main page, as the people who use it, in both colour schemes.

The demo data (seed_demo) fills the pages: a queue with escalations, a walked tree
session, a chat, an escalation claimed by Sam, notifications, members, integrations.
Each page is loaded in light and dark (prefers-color-scheme), with the bell panel
and the user menu open where there is a top bar, and axe-core (npm, injected by
Playwright) must find nothing critical or serious. All findings are listed at once.
"""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core.management import call_command

from handoffs.models import Handoff
from notifications.models import PushSubscription
from tests.e2e.a11y import axe_context, blocking_violations, describe
from tests.e2e.browser import (
    ARTIFACTS,
    BrowserLiveServerTestCase,
    requires_browser,
    session_cookie,
)
from troubleshoot.models import Session, User
from troubleshoot.trees.models import ProposalStatus, Tree, TreeProposal

DEMO_PASSWORD = "baton-demo-2026"
SCHEMES = ("light", "dark")


def person(name: str) -> User:
    return User.objects.get(email=f"{name}@northwind.example")


@requires_browser
@pytest.mark.e2e
class AxeOnEveryPage(BrowserLiveServerTestCase):
    def setUp(self):
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        self.contexts = {}

    def tearDown(self):
        for context in self.contexts.values():
            context.close()

    def page_as(self, who: str | None):
        """One browser context per person (None: nobody logged in)."""
        if who not in self.contexts:
            context = axe_context(self.browser, self.live_server_url)
            if who is not None:
                cookie = session_cookie(
                    person(who) if "@" not in who else User.objects.get(email=who)
                )
                context.add_cookies(
                    [{"name": "sessionid", "value": cookie, "url": self.live_server_url}]
                )
            self.contexts[who] = context
        return self.contexts[who].new_page()

    def pages(self) -> list[tuple[str | None, str, str]]:
        """(who, url, what) for every main page."""
        jane = person("jane")
        walked = Session.objects.get(
            user=jane, problem_summary="Outlook is failing to sync email for the finance mailbox"
        )
        chat = Session.objects.filter(user=jane, kind="chat").first()
        urgent = Handoff.objects.get(
            session__problem_summary__startswith="Outlook is failing to sync email for the whole"
        )
        claimed = Handoff.objects.get(session__problem_summary__startswith="New hire locked out")
        tree = Tree.objects.filter(account=jane.account).order_by("pk").first()
        proposed = (
            TreeProposal.objects.filter(tree__account=jane.account, status=ProposalStatus.PENDING)
            .order_by("pk")
            .first()
        )
        assert proposed is not None, "the demo has a tree proposal waiting for review"
        sam = person("sam")
        PushSubscription.objects.create(
            user=sam,
            account=sam.account,
            endpoint="https://push.example/sam-phone",
            p256dh="p256dh-key",
            auth="auth-key",
            user_agent="Mozilla/5.0 (Android 14) Chrome/131 Mobile",
        )
        s = walked.pk
        return [
            (None, "/login/", "login"),
            (None, "/signup/", "sign-up"),
            (None, "/accounts/password/reset/", "password reset"),
            ("sara", "/queue/", "team queue"),
            ("sara", f"/sessions/{urgent.session_id}/pickup/", "pickup (can claim)"),
            ("sam", f"/sessions/{claimed.session_id}/pickup/", "pickup (claimed: actions)"),
            ("sara", "/sessions/", "session list"),
            ("sara", "/sessions/new/chat/", "new AI chat"),
            ("jane", f"/sessions/{s}/", "session walk"),
            ("jane", f"/sessions/{urgent.session_id}/", "escalated session page"),
            ("jane", f"/sessions/{s}/handoff/", "park / escalate form"),
            ("jane", f"/sessions/{s}/details/", "correct details"),
            ("jane", f"/sessions/{chat.pk}/", "AI chat session"),
            ("jane", f"/sessions/{s}/print/", "print write-up"),
            ("sara", "/trees/", "tree library"),
            ("sara", f"/trees/{tree.pk}/", "tree page"),
            ("sara", f"/trees/{tree.pk}/start/", "start a session from a tree"),
            ("olivia", f"/trees/{tree.pk}/edit/", "tree editor"),
            ("olivia", f"/trees/{proposed.tree_id}/edit/", "tree editor with a proposal"),
            ("olivia", f"/trees/{proposed.tree_id}/", "tree page with a proposal"),
            ("olivia", "/trees/new/", "new tree"),
            ("olivia", "/trees/import/", "tree import"),
            ("sara", "/notifications/", "notifications"),
            ("sara", "/notifications/preferences/", "notification preferences"),
            ("sam", "/notifications/preferences/", "notification preferences, a push browser"),
            ("sara", "/account/profile/", "profile"),
            ("sara", "/account/tokens/", "API tokens"),
            ("sara", "/account/members/", "members (engineer)"),
            ("olivia", "/account/members/", "members and teams (owner)"),
            ("olivia", "/account/integrations/", "integrations"),
            ("olivia", "/account/webhooks/", "webhooks"),
            ("olivia", "/account/deliveries/", "delivery ledger"),
            ("olivia", "/analytics/", "analytics (owner)"),
            ("sara", "/analytics/", "analytics (engineer: team)"),
            ("jane", "/psa/demo/tickets/12345/", "demo PSA ticket"),
            ("sara", "/password/", "change password"),
            ("sara", "/accounts/email/", "email address"),
            ("sara", "/accounts/2fa/", "two-factor"),
            ("vera", "/sessions/", "session list (viewer)"),
            ("vera", f"/trees/{tree.pk}/", "tree page (viewer)"),
            ("oscar@bluebird.example", "/accounts/2fa/totp/activate/", "MFA enrolment"),
        ]

    def check(self, page, where: str, found: dict) -> None:
        for scheme in SCHEMES:
            page.emulate_media(color_scheme=scheme)
            violations = blocking_violations(page)
            if violations:
                found[f"{where} [{scheme}]"] = violations

    def open_menus(self, page, where: str, found: dict) -> None:
        """The bell panel and the user menu, opened: their content must pass too."""
        if page.locator("#bell").count():
            page.click("#bell > summary")
            page.wait_for_selector("#bell-panel .bell-head", timeout=10_000)
            self.check(page, f"{where}, bell open", found)
            page.keyboard.press("Escape")
        if page.locator("details.usermenu").count():
            page.click("details.usermenu > summary")
            self.check(page, f"{where}, user menu open", found)

    def test_no_critical_or_serious_findings_on_any_page(self):
        found: dict[str, list[dict]] = {}
        menus_checked = set()
        for who, url, what in self.pages():
            page = self.page_as(who)
            response = page.goto(url)
            assert response.status == 200, f"{what} ({url}) answered {response.status}"
            page.wait_for_load_state("networkidle")
            if url == "/notifications/preferences/":
                # The push card once its worker is ready: the Turn on button shows.
                page.wait_for_selector("#push-on:not([hidden])", timeout=10_000)
            where = f"{what} as {who or 'nobody'} ({url})"
            self.check(page, where, found)
            if who not in menus_checked and page.locator("#bell").count():
                menus_checked.add(who)
                self.open_menus(page, where, found)
            page.close()
        self.check_mfa_pages(found)
        report = describe(found)
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "axe-report.txt").write_text(report or "no critical or serious findings\n")
        assert not found, "axe-core found critical/serious violations:" + report

    def check_mfa_pages(self, found: dict) -> None:
        """The second-factor step of a login, and the recovery codes."""
        sam = person("sam")
        secret = generate_totp_secret()
        TOTP.activate(sam, secret)
        RecoveryCodes.activate(sam)
        assert Authenticator.objects.filter(user=sam).count() == 2
        context = axe_context(self.browser, self.live_server_url)
        self.contexts["sam-mfa"] = context
        page = context.new_page()
        page.goto("/login/")
        page.fill("input[name=login]", sam.email)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("form[action='/login/'] button[type=submit]")
        page.wait_for_url("**/accounts/2fa/authenticate/")
        self.check(page, "MFA code at login (/accounts/2fa/authenticate/)", found)
        code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
        page.fill("input[name=code]", code)
        page.click("main form button[type=submit]")
        page.wait_for_url("**/sessions/")
        for url, what in [
            ("/accounts/2fa/", "two-factor with an authenticator"),
            ("/accounts/2fa/recovery-codes/", "recovery codes"),
        ]:
            page.goto(url)
            self.check(page, f"{what} ({url})", found)
