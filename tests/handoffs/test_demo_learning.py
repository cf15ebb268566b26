"""The demo shows every part of the learning loop on a fresh `make run`."""

from io import StringIO

import pytest
from django.core.management import call_command

from troubleshoot.models import Session, Tree, TreeProposal
from troubleshoot.sessions.similar import seen_before
from troubleshoot.trees.treemap import step_heat


@pytest.mark.django_db
def test_demo_has_history_seen_before_finds_proposals_and_hot_steps():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "learning loop: 5 resolved sessions created, 2 proposals waiting" in out.getvalue()
    # The demo's waiting urgent escalation (the analytics history holds older ones).
    urgent = Session.objects.get(
        account__slug="northwind", psa_ticket="48213", handoffs__priority="urgent"
    )
    found = seen_before(urgent)
    assert len(found) == 3
    assert all("Outlook" in s.problem_summary for s in found)
    outlook = Tree.objects.get(account__slug="northwind", title="Outlook not syncing")
    assert step_heat(outlook)  # where the demo escalations stood
    assert TreeProposal.objects.filter(tree=outlook, status="pending").count() == 1

    again = StringIO()
    call_command("seed_demo", stdout=again)
    assert "learning loop: 0 resolved sessions created, 2 proposals waiting" in again.getvalue()
