"""The analytics page in Chromium: an admin opens it, sees both charts drawn (with
their text alternatives) and the tables, downloads a CSV, and follows a hot step to
that step in the tree editor; no Content-Security-Policy violation on the way.
Screenshot: tests/e2e/artifacts/analytics-page.png.
"""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from tests.e2e.browser import BrowserLiveServerTestCase, context_for, requires_browser, screenshot
from tests.e2e.test_content_security_policy import RECORD_VIOLATIONS
from tests.factories import make_account, make_team, make_user
from tests.factories_sessions import make_tree
from tests.handoffs.analytics.conftest import record_escalation, started
from troubleshoot.models import Role


@requires_browser
@pytest.mark.e2e
class AnalyticsInTheBrowser(BrowserLiveServerTestCase):
    def setUp(self):
        acme = make_account("Acme MSP")
        desk, infra = make_team(acme, "Service Desk"), make_team(acme, "Infrastructure")
        self.admin = make_user(acme, Role.ADMIN, name="Adam Admin", team=desk)
        juniors = [make_user(acme, Role.ENGINEER, name=n, team=t)
                   for n, t in (("Jane Junior", desk), ("Jim Junior", infra))]  # fmt: skip
        senior = make_user(acme, Role.ENGINEER, name="Sara Senior", team=desk)
        trees = [make_tree(acme, self.admin, title=t) for t in
                 ("Printer offline", "VPN won't connect", "Outlook not syncing")]  # fmt: skip
        self.hot_tree = trees[0]
        now = timezone.now()
        for day in range(34, 0, -1):
            at = now - timedelta(days=day, hours=2)
            for i in range(3):
                version = trees[(day + i) % 3]
                who = juniors[(day + i) % 2]
                kind = (day * 7 + i * 3) % 10
                if kind < 2 + (day // 10):  # fewer escalations lately
                    node = version.nodes.get(kind="action" if kind % 2 == 0 else "question")
                    record_escalation(started(who, tree_version=version, at=at), at=at,
                                      node=node, priority=("normal", "high", "urgent")[i],
                                      claim_after=60 * (3 + kind * 4), resolve_after=3600 + 600 * i,
                                      claimer=senior, reminders=1 if kind > 2 else 0)  # fmt: skip
                else:
                    status = "abandoned" if kind == 9 else "resolved"
                    started(who, tree_version=version, at=at, status=status)
        self.violations = []
        self.contexts = []

    def tearDown(self):
        for context in self.contexts:
            context.close()

    def test_admin_reads_the_charts_downloads_a_table_and_edits_a_hot_step(self):
        context = context_for(self.browser, self.live_server_url, self.admin)
        context.add_init_script(RECORD_VIOLATIONS)
        self.contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda m: (
                m.text.startswith("csp-violation ")
                and self.violations.append(json.loads(m.text.removeprefix("csp-violation ")))
            ),
        )
        page.goto("/sessions/")
        page.get_by_role("link", name="Analytics").click()
        page.wait_for_url("**/analytics/")

        rate_chart = page.get_by_role("img", name="Escalation rate per week")
        outcome_chart = page.get_by_role("img", name="How sessions end, per tree")
        assert rate_chart.is_visible() and outcome_chart.is_visible()
        assert rate_chart.bounding_box()["height"] > 150
        assert page.locator("#rate-desc").text_content().startswith("Escalation rate per week.")
        assert page.locator(".rate-point").count() >= 4
        assert page.locator(".seg-escalated").count() >= 3
        assert page.get_by_label("From").input_value() == str(
            timezone.localdate() - timedelta(days=29)
        )
        screenshot(page, "analytics-page")

        with page.expect_download() as download:
            page.locator("#h-hot").locator("..").get_by_role("link", name="CSV").click()
        text = Path(download.value.path()).read_text()
        assert text.startswith("rank,tree,step,step kind,escalations")
        assert "Printer offline" in text

        page.get_by_role("link", name="Edit this step").first.click()
        page.wait_for_url("**/trees/*/edit/#node-*")
        anchor = page.url.rsplit("#", 1)[1]
        assert page.locator(f"#{anchor}").is_visible()
        assert self.violations == []
