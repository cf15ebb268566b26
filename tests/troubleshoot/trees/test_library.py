"""The tree library: categories with counts, search, filters, pages, bounded queries."""

import pytest
from django.urls import reverse

from tests.conftest import requires_postgres
from tests.factories_sessions import make_tree
from troubleshoot.trees import services
from troubleshoot.trees.selectors import library_page, suggest_trees


def titles(response):
    return [t.title for t in response.context["trees"]]


def test_library_lists_categories_with_counts_and_filters(client_for, viewer, owner, acme, globex):
    make_tree(acme, owner, title="Outlook not syncing", category="Email")
    make_tree(acme, owner, title="Shared mailbox missing", category="Email")
    make_tree(acme, owner, title="VPN won't connect", category="Network")
    other_owner = globex.users.create(email="o@globex.test", display_name="G", role="owner")
    make_tree(globex, other_owner, title="Globex secret tree", category="Email")
    client = client_for(viewer)
    response = client.get(reverse("troubleshoot:tree_list"))
    assert response.context["categories"] == [("Email", 2), ("Network", 1)]
    assert "Globex secret tree" not in response.content.decode()
    response = client.get(reverse("troubleshoot:tree_list"), {"category": "Network"})
    assert titles(response) == ["VPN won't connect"]


def test_viewers_do_not_see_unpublished_drafts_but_their_author_does(
    client_for, viewer, alice, acme
):
    make_tree(acme, alice, title="Half-written tree", published=False)
    assert titles(client_for(viewer).get(reverse("troubleshoot:tree_list"))) == []
    assert titles(client_for(alice).get(reverse("troubleshoot:tree_list"))) == ["Half-written tree"]


def test_search_matches_title_tags_and_node_text(client_for, alice, owner, acme):
    make_tree(acme, owner, title="Printer offline", category="Printing", tags="spooler")
    v = make_tree(acme, owner, title="Slow PC", category="Performance")
    draft_start = v.tree.versions.get(number=0).start_node
    services.node_update(
        actor=owner,
        node_id=draft_start.pk,
        kind="question",
        title="Is the antivirus scanning?",
        body="",
    )
    services.tree_publish(actor=owner, tree_id=v.tree_id)
    client = client_for(alice)
    assert titles(client.get(reverse("troubleshoot:tree_list"), {"q": "spooler"})) == [
        "Printer offline"
    ]
    assert titles(client.get(reverse("troubleshoot:tree_list"), {"q": "antivirus"})) == ["Slow PC"]
    assert titles(client.get(reverse("troubleshoot:tree_list"), {"q": "zebra"})) == []


def test_htmx_search_returns_only_the_results_partial(client_for, alice, owner, acme):
    make_tree(acme, owner, title="Printer offline")
    response = client_for(alice).get(
        reverse("troubleshoot:tree_list"),
        {"q": "printer"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="tree-results",
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="tree-results">') and "Printer offline" in html


def test_library_query_count_is_constant_in_the_number_of_trees(
    client_for, alice, owner, acme, django_assert_max_num_queries
):
    make_tree(acme, owner, title="Tree A", tags="a, b")
    client = client_for(alice)
    with django_assert_max_num_queries(20) as baseline:
        client.get(reverse("troubleshoot:tree_list"))
    for i in range(12):
        make_tree(acme, owner, title=f"Tree {i:02}", category=f"Cat {i % 3}", tags="x, y")
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = client.get(reverse("troubleshoot:tree_list"))
    assert len(response.context["trees"]) == 13


def test_library_is_paginated(alice, owner, acme):
    for i in range(5):
        make_tree(acme, owner, title=f"Tree {i}")
    page, _ = library_page(alice, per_page=2, page=3)
    assert [t.title for t in page.object_list] == ["Tree 4"]
    assert page.paginator.num_pages == 3


def test_suggestions_find_trees_by_any_word_of_a_problem(owner, acme):
    make_tree(acme, owner, title="Outlook not syncing", category="Email", tags="outlook, exchange")
    make_tree(acme, owner, title="VPN won't connect", category="Network", tags="vpn")
    found = suggest_trees(acme.pk, "Customer says outlook keeps asking and never syncs")
    assert [t.title for t in found][:1] == ["Outlook not syncing"]
    assert suggest_trees(acme.pk, "the and for") == []


@requires_postgres
@pytest.mark.postgres
def test_postgres_ranks_title_matches_above_node_text_matches(alice, owner, acme):
    body_only = make_tree(acme, owner, title="Slow PC", category="Performance")
    draft_start = body_only.tree.versions.get(number=0).start_node
    services.node_update(
        actor=owner,
        node_id=draft_start.pk,
        kind="question",
        title="Is the printer driver hogging CPU?",
        body="",
    )
    services.tree_publish(actor=owner, tree_id=body_only.tree_id)
    make_tree(acme, owner, title="Printer offline", category="Printing", tags="printer")
    page, _ = library_page(alice, query="printer")
    ranked = list(page.object_list)
    assert [t.title for t in ranked] == ["Printer offline", "Slow PC"]
    assert ranked[0].rank > ranked[1].rank
    # stemming: "printers" finds "printer"
    page, _ = library_page(alice, query="printers")
    assert {t.title for t in page.object_list} == {"Printer offline", "Slow PC"}


@pytest.mark.parametrize(
    "query, sentence",
    [
        ({"q": "printer\x00"}, "Remove the NUL character"),
        ({"category": "\x00"}, "Remove the NUL character"),
        ({"q": "abc\u202edcba"}, "text-direction control characters"),
        ({"q": "x" * 201}, "at most 200 characters"),
    ],
)
def test_a_search_the_database_cannot_run_is_a_400_with_the_reason(
    client_for, alice, owner, acme, query, sentence
):
    """A NUL reached PostgreSQL as a DataError (500) before the filters were a form."""
    make_tree(acme, owner, title="Printer offline", category="Printing")
    response = client_for(alice).get(reverse("troubleshoot:tree_list"), query)
    assert response.status_code == 400
    assert sentence in response.content.decode()
    assert titles(response) == ["Printer offline"]  # the unfiltered library below


def test_a_page_that_is_no_number_shows_the_first_page(client_for, alice, owner, acme):
    for n in range(3):
        make_tree(acme, owner, title=f"Tree {n}")
    for page in ("²", "9" * 5000, "-1"):
        response = client_for(alice).get(reverse("troubleshoot:tree_list"), {"page": page})
        assert response.status_code == 200 and response.context["page"].number == 1
