"""People in a real browser (Debian's Chromium via Playwright) against a live daphne:
an admin invites a teammate, who opens the emailed link, sets a password and lands in
their account; pages show times in each person's own zone; sign-up takes the
browser's zone. Screenshots land in tests/e2e/artifacts/ (ignored by git).
"""

import re
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.e2e.browser import BrowserLiveServerTestCase, context_for, requires_browser, screenshot
from tests.factories import make_account, make_team, make_user
from tests.factories_sessions import add_step, make_session
from troubleshoot.models import Invitation, Role, Step, StepKind, User

LINK = re.compile(r"https?://[^/\s]+/invitations/[A-Za-z0-9_\-]+/")
CONFIRM_LINK = re.compile(r"https?://[^/\s]+/accounts/confirm-email/[^/\s]+/")
NEW_PASSWORD = "a-long-pass-phrase"
# Wed 17 Jan 2024, 23:30 UTC: Thu 18 Jan, 08:30 in Tokyo.
MOMENT = datetime(2024, 1, 17, 23, 30, tzinfo=UTC)


@requires_browser
@pytest.mark.e2e
class PeopleInTheBrowser(BrowserLiveServerTestCase):
    @classmethod
    def start_fakes(cls):
        # The server runs in another process: its emails are files we can read.
        cls.mail_dir = Path(tempfile.mkdtemp(prefix="baton-e2e-mail-"))

    @classmethod
    def stop_fakes(cls):
        shutil.rmtree(cls.mail_dir, ignore_errors=True)

    @classmethod
    def server_settings(cls) -> dict:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(cls.mail_dir),
        }

    def setUp(self):
        for old in self.mail_dir.iterdir():
            old.unlink()
        self.acme = make_account("Acme MSP")
        self.team = make_team(self.acme, "Service Desk")
        self.infra = make_team(self.acme, "Infrastructure")
        self.admin = make_user(self.acme, Role.ADMIN, name="Adam Admin", team=self.team)
        self.contexts = []

    def tearDown(self):
        for context in self.contexts:
            context.close()

    def page(self, user=None, **context_options):
        if context_options:  # a visitor with, e.g., a time zone of their own
            context = self.browser.new_context(
                base_url=self.live_server_url, viewport={"width": 1280, "height": 860},
                **context_options,
            )  # fmt: skip
        else:
            context = context_for(self.browser, self.live_server_url, user)
        self.contexts.append(context)
        return context.new_page()

    def emailed_link(self, to: str, link=LINK) -> str:
        # The mail may land a moment after the page answered: look for a few seconds.
        deadline = time.monotonic() + 10
        while True:
            for path in sorted(self.mail_dir.iterdir()):
                text = path.read_text()
                match = link.search(text)
                if f"To: {to}" in text and match:
                    return match.group(0)
            if time.monotonic() > deadline:
                names = [p.name for p in self.mail_dir.iterdir()]
                raise AssertionError(f"no email to {to} in {self.mail_dir}: {names}")
            time.sleep(0.2)

    def test_invited_person_opens_the_emailed_link_sets_a_password_and_lands_in_their_account(
        self,
    ):
        admin = self.page(self.admin)
        admin.goto("/account/members/")
        admin.fill("input[name=display_name]", "Nina New")
        admin.fill("input[name=email]", "nina@acme.test")
        admin.select_option("#id_role", "engineer")
        admin.select_option("#id_team", str(self.infra.pk))
        admin.click("text=Send invitation")
        admin.wait_for_selector("text=Nina New was invited")
        invitation = Invitation.objects.get(email="nina@acme.test")
        admin.wait_for_selector(f"#invitation-{invitation.pk} >> text=emailed")
        screenshot(admin, "people-1-invited")

        # The link points where this server was reached (its host and port), not :8000.
        link = self.emailed_link("nina@acme.test")
        assert link.startswith(f"{self.live_server_url}/invitations/"), link

        nina = self.page(timezone_id="Asia/Tokyo")
        nina.goto(link)
        nina.wait_for_selector("text=Join Acme MSP")
        # The browser's zone is in the hidden field, put there by static/js/timezone.js.
        nina.wait_for_function(
            "() => document.querySelector('input[name=time_zone]').value === 'Asia/Tokyo'"
        )
        nina.fill("input[name=password]", NEW_PASSWORD)
        nina.fill("input[name=password_again]", NEW_PASSWORD)
        screenshot(nina, "people-2-accept")
        nina.click("text=Set password and open Baton")
        nina.wait_for_selector("text=Welcome to Acme MSP, Nina.")
        assert nina.url.startswith(self.live_server_url) and "/invitations/" not in nina.url
        assert "Nina New" in nina.inner_text(".usermenu summary")
        screenshot(nina, "people-3-landed")

        user = User.objects.get(email="nina@acme.test")
        assert (user.account_id, user.team_id, user.role) == (
            self.acme.pk,
            self.infra.pk,
            Role.ENGINEER,
        )
        assert user.time_zone == "Asia/Tokyo"

        # The link was single-use; the invitation has left the admin's list.
        stranger = self.page()
        stranger.goto(link)
        stranger.wait_for_selector("text=already been used")
        admin.goto("/account/members/")
        assert admin.locator(f"#invitation-{invitation.pk}").count() == 0
        assert "nina@acme.test" in admin.inner_text("table")

    def test_a_page_shows_times_in_the_persons_zone_with_the_full_time_on_hover(self):
        tokyo = make_user(self.acme, Role.ENGINEER, name="Taro Tokyo", team=self.team)
        User.objects.filter(pk=tokyo.pk).update(time_zone="Asia/Tokyo")
        session = make_session(tokyo, problem_summary="Mail stuck in the outbox")
        step = add_step(session, tokyo, kind=StepKind.NOTE, note="Cleared the outbox")
        Step.objects.filter(pk=step.pk).update(created_at=MOMENT)

        page = self.page(User.objects.get(pk=tokyo.pk))
        page.goto(f"/sessions/{session.pk}/")
        stamp = page.locator('time[datetime="2024-01-17T23:30:00Z"]').first
        assert stamp.inner_text() == "18 Jan 2024, 08:30"
        assert stamp.get_attribute("title") == "Thu 18 Jan 2024, 08:30 JST (Asia/Tokyo)"
        screenshot(page, "people-4-times-in-tokyo")

        # Back to the account's default zone (UTC): the same moment reads differently.
        page.goto("/account/profile/")
        page.select_option("select[name=time_zone]", "")
        page.click("button:has-text('Save')")
        page.wait_for_selector("text=Your profile is saved.")
        page.goto(f"/sessions/{session.pk}/")
        stamp = page.locator('time[datetime="2024-01-17T23:30:00Z"]').first
        assert stamp.inner_text() == "17 Jan 2024, 23:30"
        assert stamp.get_attribute("title") == "Wed 17 Jan 2024, 23:30 UTC"

    def test_sign_up_takes_the_browsers_zone(self):
        page = self.page(timezone_id="America/Chicago")
        page.goto("/signup/")
        page.fill("input[name=account_name]", "Harbor Tech")
        page.fill("input[name=display_name]", "Hana Harbor")
        page.fill("input[name=email]", "hana@harbor.example")
        page.fill("input[name=password1]", NEW_PASSWORD)
        page.fill("input[name=password2]", NEW_PASSWORD)
        page.click("text=Create account")
        # allauth's "verification sent" page: the account exists and the email has left.
        page.wait_for_url("**/accounts/confirm-email/")
        hana = User.objects.get(email="hana@harbor.example")
        assert (hana.time_zone, hana.account.time_zone) == ("America/Chicago", "America/Chicago")
        # Signed in once the emailed link confirms the address (same browser session).
        page.goto(self.emailed_link("hana@harbor.example", CONFIRM_LINK))
        page.click("button:has-text('Confirm')")
        page.wait_for_url("**/sessions/**")
        page.goto("/account/profile/")
        page.wait_for_selector("text=Times are shown in CST (America/Chicago)")
        assert page.inner_text("[data-browser-time-zone-name]") == "America/Chicago"
