""" "Seen before": relevance on a small labelled set, tenant scope, the lazy panel, and
the search document kept by the services (both databases)."""

import pytest

from tests.conftest import login
from tests.factories_sessions import add_step, make_session, make_tree
from troubleshoot.models import Session, StepKind
from troubleshoot.sessions import services as session_services
from troubleshoot.sessions.similar import query_terms, seen_before

# (summary, note added while working, resolution note): the account's history.
HISTORY = [
    (
        "Outlook not syncing the mailbox for a finance user",
        "Mailbox is 49 GB, OST keeps growing",
        "Rebuilt the OST file and archived old mail: the mailbox syncs again",
    ),
    ("Printer offline at reception", "Pinged it: no answer", "Reinstalled the printer driver"),
    ("VPN fails to connect from home", "Error 809", "Renewed the VPN certificate"),
    ("Slow PC after the Windows update", "Disk at 100 %", "Removed startup apps"),
    ("Outlook keeps asking for the password", "Modern auth", "Cleared Credential Manager"),
    ("Shared drive missing after login", "GPO not applied", "Re-mapped the drive by GPO"),
]


def _resolved(user, summary, note, resolution):
    session = make_session(user, problem_summary=summary)
    add_step(session, user, kind=StepKind.NOTE, note=note)
    session_services.session_resolve(actor=user, session_id=session.pk, resolution_note=resolution)
    return Session.objects.get(pk=session.pk)


@pytest.fixture
def history(alice):
    return [_resolved(alice, *row) for row in HISTORY]


@pytest.fixture
def stuck(sam):
    session = make_session(sam, problem_summary="Outlook mailbox not syncing for accounting")
    add_step(session, sam, kind=StepKind.NOTE, note="The OST file is huge")
    return session


def test_the_obviously_matching_resolved_session_ranks_first(history, stuck):
    found = seen_before(stuck)
    assert found[0].pk == history[0].pk
    assert len(found) <= 3
    assert found[0].resolver.pk == history[0].user_id


def test_each_labelled_problem_finds_its_own_fix_first(history, sam):
    for row, expected in zip(HISTORY, history, strict=True):
        # Another wording of the same problem, as a different junior would write it.
        query = make_session(sam, problem_summary=f"Again: {row[0].lower()}")
        assert seen_before(query)[0].pk == expected.pk, row[0]


def test_open_sessions_and_the_session_itself_are_not_offered(history, stuck, sam):
    open_twin = make_session(sam, problem_summary=stuck.problem_summary)
    found = {s.pk for s in seen_before(stuck)}
    assert open_twin.pk not in found and stuck.pk not in found
    resolved_self = history[0]
    assert resolved_self.pk not in {s.pk for s in seen_before(resolved_self)}


def test_another_accounts_history_never_appears(globex, charlie, alice, stuck):
    _resolved(charlie, *HISTORY[0])
    assert seen_before(stuck) == []
    mine = _resolved(alice, *HISTORY[0])
    assert [s.pk for s in seen_before(stuck)] == [mine.pk]


def test_nothing_to_search_for_finds_nothing(history, sam):
    assert seen_before(make_session(sam, problem_summary="??? !!! the and")) == []


def test_query_terms_are_plain_words_only():
    terms = query_terms("Outlook's OST | & ! <-> re-install 'quoted' (x) ÿ")
    assert all(t.isalnum() for t in terms)
    assert "install" in terms and "outlook" in terms


def test_resolving_through_a_handoff_indexes_the_session_and_records_the_resolver(
    alice, sam, django_capture_on_commit_callbacks
):
    from handoffs import services as handoff_services

    session = make_session(alice, problem_summary="Teams calls drop every ten minutes")
    with django_capture_on_commit_callbacks(execute=True):
        handoff = handoff_services.handoff_create(
            actor=alice, session_id=session.pk, intent="escalate"
        )
    handoff_services.handoff_claim(actor=sam, handoff_id=handoff.pk)
    handoff_services.handoff_resolve(
        actor=sam, handoff_id=handoff.pk, note="Replaced the flaky Wi-Fi access point"
    )
    session.refresh_from_db()
    assert session.resolved_by_id == sam.pk
    asking = make_session(alice, problem_summary="Teams call drops")
    found = seen_before(asking)
    assert [s.pk for s in found] == [session.pk]
    assert found[0].resolver == sam


def test_the_walk_counts_tree_steps_too(acme, alice, sam):
    version = make_tree(acme, sam, title="Power")
    start = version.start_node
    resolved = make_session(alice, tree_version=version, problem_summary="Kiosk is dead")
    add_step(resolved, alice, kind=StepKind.ANSWER, node=start, choice_label="No")
    session_services.session_resolve(
        actor=alice, session_id=resolved.pk, resolution_note="Swapped it"
    )
    asking = make_session(sam, problem_summary="Device will not power on at all")
    assert [s.pk for s in seen_before(asking)] == [resolved.pk]


# --- the panel ------------------------------------------------------------------


def test_panel_lists_matches_with_resolver_time_fix_and_link(
    client, history, stuck, sam, django_assert_max_num_queries
):
    login(client, sam)
    with django_assert_max_num_queries(8):
        response = client.get(f"/sessions/{stuck.pk}/seen-before/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Rebuilt the OST file" in body
    assert f'href="/sessions/{history[0].pk}/"' in body
    assert "Resolved by" in body
    assert "<html" not in body  # the partial only


def test_panel_query_count_does_not_grow_with_history(
    client, alice, sam, stuck, django_assert_max_num_queries
):
    for i in range(30):
        _resolved(alice, f"Outlook sync problem {i}", "OST", f"Fix {i}")
    login(client, sam)
    with django_assert_max_num_queries(8):
        client.get(f"/sessions/{stuck.pk}/seen-before/", headers={"HX-Request": "true"})


def test_panel_is_404_for_another_account_and_for_someone_elses_private_session(
    client, charlie, alice, stuck
):
    login(client, charlie)
    assert client.get(f"/sessions/{stuck.pk}/seen-before/").status_code == 404
    login(client, alice)  # a teammate: the session is active, so private to sam
    assert client.get(f"/sessions/{stuck.pk}/seen-before/").status_code == 404


def test_session_page_loads_the_panel_lazily_while_its_owner_works(client, sam, stuck):
    login(client, sam)
    body = client.get(f"/sessions/{stuck.pk}/").content.decode()
    assert f'hx-get="/sessions/{stuck.pk}/seen-before/"' in body
    assert 'hx-trigger="load"' in body


def test_panel_without_htmx_is_a_page(client, sam, stuck, history):
    login(client, sam)
    response = client.get(f"/sessions/{stuck.pk}/seen-before/")
    assert response.status_code == 200 and b"<html" in response.content


def test_postgres_search_uses_the_gin_index(history, stuck):
    from django.db import connection

    from tests.conftest import on_postgres

    if not on_postgres():
        pytest.skip("the GIN index exists on PostgreSQL only")
    from django.contrib.postgres.search import SearchQuery

    query = SearchQuery("outlook | ost", search_type="raw", config="english")
    # The match itself (the account's index wins on a table this small).
    qs = Session.objects.filter(search_vector=query)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    assert "session_search_vector_gin" in qs.explain()
