"""The demo history: the analytics page has something in every section on a fresh
seed, and seeding again adds nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from handoffs.models import Handoff
from tests.conftest import login
from troubleshoot.models import Session, User


@pytest.mark.django_db
def test_seed_demo_gives_the_analytics_page_history_once(client):
    call_command("seed_demo", stdout=StringIO())
    counts = (Session.objects.count(), Handoff.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Session.objects.count(), Handoff.objects.count()) == counts

    login(client, User.objects.get(email="adam@northwind.example"))
    response = client.get("/analytics/")
    report = response.context["report"]
    assert report.overall.started > 100
    assert 0.15 < report.overall.rate < 0.7
    assert len([w for w, t in report.weeks if t.started]) >= 4
    assert report.hot_steps and report.hot_steps[0]["draft_node_id"]
    assert report.counts["reminded"] > 0
    assert {o for r in report.trees for o in ("resolved", "escalated", "abandoned")
            if getattr(r.tally, o)} == {"resolved", "escalated", "abandoned"}  # fmt: skip
    improved = [v for v in report.versions if v.tree_title == "Printer offline"]
    assert [v.number for v in improved] == [1, 2]
    assert all(e["sessions"] or e["claimed"] for e in report.engineers)
