"""The analytics figures, computed by the database: rates, outcomes, weeks, timings,
the ladder, hot steps, versions and per-engineer counts."""

import zoneinfo
from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from handoffs.analytics.scope import Names, Scope
from handoffs.analytics.selectors import analytics_report
from tests.factories import make_team, make_user
from tests.handoffs.analytics.conftest import T0, record_escalation, started
from troubleshoot.models import Role, Team, Tree
from troubleshoot.trees import services as tree_services

NOVEMBER = {"start_date": date(2026, 11, 1), "end_date": date(2026, 11, 30)}


def names_for(account):
    return Names(
        teams={t.pk: t.name for t in Team.objects.filter(account=account)},
        trees={t.pk: t for t in Tree.objects.filter(account=account)},
    )


def report_for(account, **scope):
    args = {**NOVEMBER, "whole_account": True, **scope}
    return analytics_report(Scope(account_id=account.pk, **args), names_for(account))


def test_escalation_rate_is_sessions_escalated_over_sessions_started(
    acme, alice, sam, outlook, printer
):
    for _ in range(3):
        started(alice, tree_version=outlook, status="resolved")
    record_escalation(started(alice, tree_version=outlook), claimer=sam)
    record_escalation(started(alice, tree_version=printer), claimer=sam)
    started(alice, tree_version=printer, status="abandoned")
    started(alice)  # an AI chat, still open
    # Escalated twice, counted once.
    twice = started(alice, tree_version=printer)
    record_escalation(twice, resolve_after=600, claim_after=60, claimer=sam)
    record_escalation(twice, at=T0 + timedelta(hours=1), claimer=sam)

    report = report_for(acme)

    assert (report.overall.started, report.overall.escalated) == (8, 3)
    assert report.overall.rate == pytest.approx(3 / 8)
    by_title = {row.title: row.tally for row in report.trees}
    assert (by_title["Outlook not syncing"].started, by_title["Outlook not syncing"].escalated) == (
        4,
        1,
    )
    printer_tally = by_title["Printer offline"]
    assert (printer_tally.started, printer_tally.escalated, printer_tally.abandoned) == (3, 2, 1)
    assert by_title["AI chat (no tree)"].open == 1
    assert by_title["Outlook not syncing"].resolved == 3
    # The most escalated tree first.
    assert report.trees[0].title == "Printer offline"


def test_weeks_cover_the_period_and_count_sessions_by_the_week_they_started(acme, alice, outlook):
    record_escalation(started(alice, tree_version=outlook))  # week of 2 Nov
    started(alice, tree_version=outlook, at=T0 + timedelta(days=7))  # week of 9 Nov
    started(alice, tree_version=outlook, at=T0 + timedelta(days=7))

    report = report_for(acme)

    weeks = dict(report.weeks)
    assert list(weeks)[0] == date(2026, 10, 26)  # 1 Nov is a Sunday
    assert list(weeks)[-1] == date(2026, 11, 30)
    assert (weeks[date(2026, 11, 2)].started, weeks[date(2026, 11, 2)].rate) == (1, 1.0)
    assert (weeks[date(2026, 11, 9)].started, weeks[date(2026, 11, 9)].rate) == (2, 0.0)
    assert weeks[date(2026, 11, 16)].rate is None


def test_weeks_begin_on_monday_in_the_readers_zone(acme, alice, outlook):
    # Monday 2 Nov 03:00 UTC is still Sunday 1 Nov in New York (UTC-5), and Monday
    # 9 Nov 06:00 UTC is Monday 01:00 there.
    started(alice, tree_version=outlook, at=datetime(2026, 11, 2, 3, 0, tzinfo=UTC))
    started(alice, tree_version=outlook, at=datetime(2026, 11, 9, 6, 0, tzinfo=UTC))

    with timezone.override(zoneinfo.ZoneInfo("America/New_York")):
        weeks = dict(report_for(acme).weeks)

    assert weeks[date(2026, 10, 26)].started == 1
    assert weeks[date(2026, 11, 2)].started == 0
    assert weeks[date(2026, 11, 9)].started == 1


def test_sessions_outside_the_period_do_not_count(acme, alice, outlook):
    started(alice, tree_version=outlook, at=T0 - timedelta(days=40))
    started(alice, tree_version=outlook, at=T0 + timedelta(days=40))
    assert report_for(acme).overall.started == 0


def test_time_to_claim_and_resolve_percentiles_by_priority_and_team(acme, alice, sam, outlook):
    infra = make_team(acme, "Infrastructure")
    ivan = make_user(acme, Role.ENGINEER, name="Ivan Infra", team=infra)
    for claim in (60, 120, 180, 600):
        record_escalation(started(alice, tree_version=outlook), priority="high",
                          claim_after=claim, resolve_after=claim + 3000, claimer=sam)  # fmt: skip
    record_escalation(
        started(ivan, tree_version=outlook), priority="urgent", claim_after=30, claimer=sam
    )
    record_escalation(started(ivan, tree_version=outlook), priority="urgent")  # never claimed

    timings = {(t.metric, t.dim, t.key): t for t in report_for(acme).timings}

    high = timings[("claim", "priority", "high")]
    # percentile_cont: the median of 60, 120, 180, 600 is 150; p90 is 180 + 0.7 × 420.
    assert (high.count, high.p50, high.p90) == (4, pytest.approx(150), pytest.approx(474))
    resolve = timings[("resolve", "priority", "high")]
    assert (resolve.count, resolve.p50) == (4, pytest.approx(3150))
    assert timings[("claim", "priority", "urgent")].count == 1
    assert timings[("claim", "team", str(infra.pk))].p50 == pytest.approx(30)
    assert timings[("claim", "all", "")].count == 5
    assert ("resolve", "priority", "urgent") not in timings


def test_counts_escalations_claimed_resolved_and_how_often_the_ladder_fired(
    acme, alice, sam, outlook
):
    record_escalation(
        started(alice, tree_version=outlook), reminders=2, claim_after=1500, claimer=sam
    )
    record_escalation(started(alice, tree_version=outlook), reminders=1)
    record_escalation(
        started(alice, tree_version=outlook), claim_after=60, resolve_after=90, claimer=sam
    )
    record_escalation(started(alice, tree_version=outlook), intent="park", reminders=0)

    counts = report_for(acme).counts

    assert counts == {"escalations": 3, "claimed": 2, "resolved": 1, "reminded": 2, "reminders": 3}


def test_hot_steps_rank_the_step_sessions_stood_on_and_link_its_draft_step(
    acme, alice, sam, outlook
):
    question = outlook.nodes.get(kind="question")
    action = outlook.nodes.get(kind="action")
    for _ in range(3):
        record_escalation(started(alice, tree_version=outlook), node=action)
    record_escalation(started(alice, tree_version=outlook), node=question)
    record_escalation(started(alice))  # a chat: no step

    steps = report_for(acme).hot_steps

    assert [(s["title"], s["escalations"]) for s in steps] == [
        ("Restart the service", 3),
        ("Does the device power on?", 1),
    ]
    draft_action = outlook.tree.versions.get(number=0).nodes.get(ref=action.ref)
    assert steps[0]["draft_node_id"] == draft_action.pk
    assert steps[0]["tree_id"] == outlook.tree_id


def test_a_step_counts_across_versions_by_its_ref(acme, alice, sam, outlook):
    action = outlook.nodes.get(kind="action")
    v2 = tree_services.tree_publish(actor=sam, tree_id=outlook.tree_id)
    record_escalation(started(alice, tree_version=outlook), node=action)
    record_escalation(started(alice, tree_version=v2), node=v2.nodes.get(ref=action.ref))

    steps = report_for(acme).hot_steps

    assert [(s["title"], s["escalations"]) for s in steps] == [("Restart the service", 2)]


def test_escalating_from_a_tree_step_records_the_step(acme, alice, outlook, escalate):
    from troubleshoot.sessions import services as session_services

    session = session_services.session_start(
        actor=alice, tree_id=outlook.tree_id, problem_summary="Outlook keeps asking for a password"
    )
    question = outlook.nodes.get(kind="question")
    yes = question.options.get(label="Yes")
    session_services.session_answer(actor=alice, session_id=session.pk, node_id=question.pk,
                                    option_id=yes.pk)  # fmt: skip
    handoff = escalate(alice, session)
    assert handoff.tree_node_id == yes.target_id


def test_versions_show_escalations_before_and_after_each_publish(acme, alice, sam, outlook):
    v2 = tree_services.tree_publish(actor=sam, tree_id=outlook.tree_id)
    record_escalation(started(alice, tree_version=outlook))
    started(alice, tree_version=outlook)
    started(alice, tree_version=v2)

    rows = [(v.number, v.tally.started, v.tally.escalated) for v in report_for(acme).versions]

    assert rows == [(1, 2, 1), (2, 1, 0)]


def test_per_engineer_counts(acme, alice, sam, outlook):
    record_escalation(
        started(alice, tree_version=outlook), claim_after=60, resolve_after=120, claimer=sam
    )
    record_escalation(started(alice, tree_version=outlook), claim_after=60, claimer=sam)
    started(sam, tree_version=outlook, status="resolved")

    keys = ("sessions", "raised", "claimed", "resolved")
    people = {e["name"]: tuple(e[k] for k in keys) for e in report_for(acme).engineers}

    assert people == {"Alice Junior": (2, 2, 0, 0), "Sam Senior": (1, 0, 2, 1)}


def test_team_and_tree_filters(acme, alice, sam, outlook, printer):
    infra = make_team(acme, "Infrastructure")
    ivan = make_user(acme, Role.ENGINEER, name="Ivan Infra", team=infra)
    record_escalation(started(alice, tree_version=outlook), claim_after=60, claimer=sam)
    record_escalation(started(ivan, tree_version=printer), claim_after=60, claimer=sam)
    started(ivan, tree_version=outlook)

    team_report = report_for(acme, team_id=infra.pk)
    tree_report = report_for(acme, tree_id=outlook.tree_id)

    assert (team_report.overall.started, team_report.overall.escalated) == (2, 1)
    assert team_report.counts["escalations"] == 1
    assert (tree_report.overall.started, tree_report.overall.escalated) == (2, 1)
    assert [r.title for r in tree_report.trees] == ["Outlook not syncing"]


def test_another_accounts_data_never_counts(acme, globex, alice, charlie, outlook):
    theirs = started(charlie)
    record_escalation(theirs, claim_after=60, claimer=charlie, reminders=1)
    record_escalation(started(alice, tree_version=outlook))

    report = report_for(acme)

    assert (report.overall.started, report.overall.escalated) == (1, 1)
    assert report.counts == {
        "escalations": 1,
        "claimed": 0,
        "resolved": 0,
        "reminded": 0,
        "reminders": 0,
    }
    assert [e["name"] for e in report.engineers] == ["Alice Junior"]
    assert all(t.count == 0 for t in report.timings if t.metric == "claim")
