"""Two-factor sign-in in a real browser: an owner requires MFA, a teammate logs in,
is walked through adding an authenticator app (the page's QR code and secret), sees
recovery codes, logs out, and logs back in with a code; the page then goes live over
the websocket. Screenshots land in tests/e2e/artifacts/.
"""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from tests.e2e.browser import BrowserLiveServerTestCase, requires_browser, screenshot
from tests.factories import PASSWORD, make_account, make_team, make_user
from troubleshoot.models import MfaPolicy, Role


def code_for(secret: str, step_offset: int = 0) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + step_offset))


@requires_browser
@pytest.mark.e2e
class TwoFactorInTheBrowser(BrowserLiveServerTestCase):
    def setUp(self):
        self.acme = make_account("Acme MSP", mfa_policy=MfaPolicy.EVERYONE)
        team = make_team(self.acme, "Service Desk")
        self.alice = make_user(
            self.acme, Role.ENGINEER, name="Alice Junior", email="alice@acme.test", team=team
        )
        self.context = self.browser.new_context(
            base_url=self.live_server_url, viewport={"width": 1280, "height": 860}
        )

    def tearDown(self):
        self.context.close()

    def log_in(self, page):
        page.goto("/login/")
        page.fill("input[name=login]", self.alice.email)
        page.fill("input[name=password]", PASSWORD)
        page.click("form[action='/login/'] button[type=submit]")

    def test_enrol_totp_at_first_login_then_log_in_with_a_code(self):
        page = self.context.new_page()
        self.log_in(page)
        # The account requires MFA: the first page after login is the enrolment.
        page.wait_for_url("**/accounts/2fa/totp/activate/")
        assert "requires two-factor authentication" in page.content()
        assert page.locator("img[src^='data:image/svg']").count() == 1  # the QR code
        secret = page.input_value("#authenticator_secret")
        screenshot(page, "mfa-1-enrol")
        page.fill("input[name=code]", code_for(secret))
        page.click("main form button[type=submit]")
        page.wait_for_url("**/accounts/2fa/recovery-codes/")
        assert Authenticator.objects.filter(user=self.alice, type="totp").exists()
        screenshot(page, "mfa-2-recovery-codes")

        page.goto("/logout/")
        page.click("main form button[type=submit]")
        page.wait_for_url("**/login/")

        self.log_in(page)
        page.wait_for_url("**/accounts/2fa/authenticate/")
        screenshot(page, "mfa-3-code")
        page.fill("input[name=code]", code_for(secret, step_offset=1))
        page.click("main form button[type=submit]")
        page.wait_for_url("**/sessions/")
        # Fully logged in: the websocket accepts the session and the page goes live.
        page.wait_for_selector("#live-dot[data-state=live]", timeout=10_000)
        screenshot(page, "mfa-4-home")
