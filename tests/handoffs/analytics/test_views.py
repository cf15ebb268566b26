"""`/analytics/` and its CSV downloads: who sees what, filters, another account,
bad input, and a query count that does not grow with the data."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import make_team, make_user
from tests.factories_sessions import make_tree
from tests.handoffs.analytics.conftest import record_escalation, started
from troubleshoot.models import Role

URL = "/analytics/"


def recent(days=2):
    return timezone.now() - timedelta(days=days)


def rows_of(response):
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.fixture
def busy(acme, alice, sam, outlook):
    """A few weeks of Acme's work."""
    node = outlook.nodes.get(kind="action")
    for day in (1, 3, 9, 16):
        record_escalation(started(alice, tree_version=outlook, at=recent(day)), at=recent(day),
                          node=node, claim_after=300, resolve_after=900, claimer=sam)  # fmt: skip
        started(alice, tree_version=outlook, at=recent(day), status="resolved")


def test_admin_sees_every_section_with_numbers(client_for, admin, busy):
    response = client_for(admin).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    for heading in ("Escalation rate per week", "How sessions end, per tree", "Hot steps",
                    "Time to claim and to resolve", "Per engineer",
                    "Escalations before and after each published version"):  # fmt: skip
        assert heading in page
    assert "Restart the service" in page  # the hot step
    assert '<svg class="chart-svg"' in page and '<desc id="rate-desc">' in page
    assert "50%" in page  # 4 of 8 sessions escalated


def test_hot_step_links_to_its_step_in_the_editor(client_for, admin, busy, outlook):
    draft_node = outlook.tree.versions.get(number=0).nodes.get(title="Restart the service")
    page = client_for(admin).get(URL).content.decode()
    assert f"/trees/{outlook.tree_id}/edit/#node-{draft_node.pk}" in page


def test_owner_sees_per_engineer_figures_engineer_does_not(client_for, owner, alice, busy):
    assert "Per engineer" in client_for(owner).get(URL).content.decode()
    engineer = client_for(alice)
    response = engineer.get(URL)
    assert response.status_code == 200
    assert "Per engineer" not in response.content.decode()
    assert engineer.get("/analytics/engineers.csv").status_code == 403


def test_engineer_sees_their_team_only_and_cannot_choose_another(
    client_for, acme, alice, busy, outlook
):
    infra = make_team(acme, "Infrastructure")
    ivan = make_user(acme, Role.ENGINEER, name="Ivan Infra", team=infra)
    for _ in range(5):
        record_escalation(started(ivan, tree_version=outlook, at=recent()), at=recent())

    mine = rows_of(client_for(alice).get("/analytics/trees.csv"))
    asked_for_infra = rows_of(client_for(alice).get(f"/analytics/trees.csv?team={infra.pk}"))
    theirs = rows_of(client_for(ivan).get("/analytics/trees.csv"))

    assert mine[1] == ["All sessions", "8", "4", "50.0"]
    assert asked_for_infra == mine
    assert theirs[1] == ["All sessions", "5", "5", "100.0"]


def test_viewer_and_engineer_without_a_team_get_403_with_a_sentence(client_for, acme, viewer):
    assert client_for(viewer).get(URL).status_code == 403
    loner = make_user(acme, Role.ENGINEER, name="Lone Engineer", team=None)
    response = client_for(loner).get(URL)
    assert response.status_code == 403
    assert "not on a team" in response.content.decode()


def test_anonymous_goes_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_nav_link_only_for_those_allowed(client_for, admin, viewer):
    assert 'href="/analytics/"' in client_for(admin).get("/sessions/").content.decode()
    assert 'href="/analytics/"' not in client_for(viewer).get("/sessions/").content.decode()


def test_another_accounts_data_never_appears(client_for, admin, charlie, globex, busy):
    theirs = make_tree(globex, charlie, title="Globex secret tree")
    node = theirs.nodes.get(kind="question")
    for _ in range(7):
        session = started(charlie, tree_version=theirs, at=recent())
        record_escalation(session, at=recent(), node=node, claim_after=5, claimer=charlie)

    client = client_for(admin)
    page = client.get(URL).content.decode()
    assert "Globex secret tree" not in page
    assert "Charlie" not in page
    assert "Does the device power on?" not in page  # their hot step
    assert rows_of(client.get("/analytics/trees.csv"))[1] == ["All sessions", "8", "4", "50.0"]
    for table in ("weeks", "outcomes", "timings", "hot-steps", "versions", "engineers"):
        text = client.get(f"/analytics/{table}.csv").content.decode()
        assert "Globex" not in text and "Charlie" not in text


def test_a_team_or_tree_of_another_account_is_refused(client_for, admin, charlie, globex, busy):
    their_team = make_team(globex, "Globex desk")
    their_tree = make_tree(globex, charlie, title="Globex tree")
    client = client_for(admin)
    for query in (f"team={their_team.pk}", f"tree={their_tree.tree_id}"):
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 400
        assert "Select a valid choice" in response.content.decode()
        assert client.get(f"/analytics/trees.csv?{query}").status_code == 400


@pytest.mark.parametrize(
    "query, message",
    [
        ("start=2026-02-01&end=2026-01-01", "The start date is after the end date."),
        ("start=2020-01-01&end=2026-01-01", "at most 366 days"),
        ("start=yesterday", "Enter a valid date."),
        ("team=abc", "Select a valid choice"),
        ("tree=%00", "Select a valid choice"),
    ],
)
def test_bad_filters_are_a_400_saying_why(client_for, admin, query, message):
    response = client_for(admin).get(f"{URL}?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_unknown_csv_table_is_404(client_for, admin):
    assert client_for(admin).get("/analytics/passwords.csv").status_code == 404


def test_csv_of_each_table(client_for, admin, busy):
    client = client_for(admin)
    timings = rows_of(client.get("/analytics/timings.csv"))
    assert timings[0][:4] == ["by", "group", "claimed", "time to claim p50 (min)"]
    assert timings[1][:5] == ["all", "All escalations", "4", "5.0", "5.0"]
    hot = rows_of(client.get("/analytics/hot-steps.csv"))
    assert hot[1] == ["1", "Outlook not syncing", "Restart the service", "action", "4"]
    people = rows_of(client.get("/analytics/engineers.csv"))
    assert ["Alice Junior", "8", "4", "0", "0"] in people
    response = client.get("/analytics/weeks.csv")
    assert "attachment;" in response["Content-Disposition"]


def test_csv_cells_that_look_like_formulas_are_defused(client_for, admin, alice, acme):
    tree = make_tree(acme, admin, title='=HYPERLINK("http://evil")')
    started(alice, tree_version=tree, at=recent())
    rows = rows_of(client_for(admin).get("/analytics/trees.csv"))
    assert ['\'=HYPERLINK("http://evil")', "1", "0", "0.0"] in rows


def test_page_escapes_user_text_in_tables_and_charts(client_for, admin, alice, acme):
    tree = make_tree(acme, admin, title="<script>alert(1)</script>")
    started(alice, tree_version=tree, at=recent())
    page = client_for(admin).get(URL).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)" in page


def _page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_the_data(
    client_for, acme, admin, alice, sam, outlook, printer
):
    client = client_for(admin)
    _page_queries(client)  # warm: the session and the user's row
    record_escalation(started(alice, tree_version=outlook, at=recent()), at=recent(), claimer=sam,
                      claim_after=60, node=outlook.nodes.get(kind="action"))  # fmt: skip
    small = _page_queries(client)

    infra = make_team(acme, "Infrastructure")
    ivan = make_user(acme, Role.ENGINEER, name="Ivan", team=infra)
    for i in range(30):
        tree = outlook if i % 2 else printer
        who = alice if i % 3 else ivan
        record_escalation(started(who, tree_version=tree, at=recent(i % 25)), at=recent(i % 25),
                          claimer=sam, claim_after=60 * i, resolve_after=120 * i, reminders=i % 3,
                          node=tree.nodes.get(kind="action" if i % 2 else "question"),
                          priority=("low", "normal", "high", "urgent")[i % 4])  # fmt: skip
        started(who, tree_version=tree, at=recent(i % 25), status="abandoned")
    large = _page_queries(client)

    assert small == large
    assert large <= 18  # 3 of them: the transaction's savepoint, its settings, release


def test_a_csv_computes_only_its_table(client_for, admin, busy):
    """The timings' CSV reads the escalations, not the period's sessions (over 90 days
    those are 100,000 rows the file does not show); the engineers' CSV no timings."""
    client = client_for(admin)
    client.get("/analytics/timings.csv")  # warm: the session and the user's row
    with CaptureQueriesContext(connection) as queries:
        rows = rows_of(client.get("/analytics/timings.csv"))
    assert rows[1][:3] == ["all", "All escalations", "4"]
    assert not [q for q in queries.captured_queries if "troubleshoot_session" in q["sql"]]
    with CaptureQueriesContext(connection) as queries:
        assert "Alice Junior" in client.get("/analytics/engineers.csv").content.decode()
    assert not [q for q in queries.captured_queries if "first_claimed_at" in q["sql"]]
