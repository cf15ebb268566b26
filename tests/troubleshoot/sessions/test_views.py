"""The session pages as a user meets them: list, start, walk with back/jump, notes,
resolve, export, and the bad input each must survive."""

import pytest
from django.urls import reverse

from tests.factories_sessions import add_step, make_session, make_tree
from troubleshoot.models import Session, SessionStatus, Step

HX = {"HTTP_HX_REQUEST": "true"}


def detail(session):
    return reverse("troubleshoot:session_detail", args=[session.pk])


def start(client, tree_version, **data):
    payload = {"problem_summary": "Printer offline at reception", **data}
    url = reverse("troubleshoot:tree_start_session", args=[tree_version.tree_id])
    return client.post(url, payload)


def post_answer(client, session, label, note="", **extra):
    session.refresh_from_db()
    node = session.current_node
    option = node.options.get(label=label)
    return client.post(
        reverse("troubleshoot:session_answer", args=[session.pk]),
        {"node": node.pk, "option": option.pk, "note": note},
        **extra,
    )


def test_home_sends_members_to_their_sessions(client_for, alice):
    response = client_for(alice).get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("troubleshoot:session_list")


def test_starting_from_a_tree_pins_its_published_version(client_for, alice, tree_v1):
    response = start(client_for(alice), tree_v1, psa_ticket="#12345", client_name="Contoso")
    session = Session.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(session)
    assert session.tree_version == tree_v1
    assert session.current_node == tree_v1.start_node
    assert session.psa_ticket == "12345"
    page = client_for(alice).get(detail(session))
    assert page.status_code == 200
    assert b"Does the device power on?" in page.content


@pytest.mark.parametrize(
    "ticket,ok",
    [
        ("12345", True),
        ("T20240101.0042", True),
        ("INC0012345", True),
        ("drop table", False),
        ("<script>", False),
        ("ABC", False),
        ("1" * 41, False),
    ],
)
def test_psa_ticket_accepts_digits_or_a_psa_format(client_for, alice, tree_v1, ticket, ok):
    response = start(client_for(alice), tree_v1, psa_ticket=ticket)
    assert (response.status_code == 302) is ok
    if not ok:
        assert response.status_code == 400
        assert b"ticket format" in response.content or b"at most" in response.content
        assert not Session.objects.exists()


def test_oversized_summary_is_refused_with_its_limit(client_for, alice, tree_v1):
    response = start(client_for(alice), tree_v1, problem_summary="x" * 501)
    assert response.status_code == 400
    assert b"at most 500 characters" in response.content


def test_viewer_cannot_start_sessions(client_for, viewer, tree_v1):
    assert start(client_for(viewer), tree_v1).status_code == 403


def test_walking_records_each_answer_with_its_note_over_htmx(client_for, alice, tree_v1):
    client = client_for(alice)
    start(client, tree_v1)
    session = Session.objects.get()
    response = post_answer(client, session, "Yes", note="Lights are on", **HX)
    assert response.status_code == 200
    assert b'id="workspace"' in response.content and b"<html" not in response.content
    assert b"Restart the service" in response.content
    assert response["HX-Push-Url"].startswith(detail(session) + "?at=")
    step = Step.objects.get()
    assert (step.node.title, step.choice_label, step.note) == (
        "Does the device power on?",
        "Yes",
        "Lights are on",
    )


def test_without_javascript_an_answer_redirects_back_to_the_page(client_for, alice, tree_v1):
    client = client_for(alice)
    start(client, tree_v1)
    session = Session.objects.get()
    response = post_answer(client, session, "Yes")
    assert response.status_code == 302 and response["Location"] == detail(session)


def test_jump_back_keeps_later_steps_as_abandoned(client_for, alice, tree_v1):
    client = client_for(alice)
    start(client, tree_v1)
    session = Session.objects.get()
    post_answer(client, session, "Yes")
    post_answer(client, session, "Didn't work")
    first = Step.objects.order_by("id").first()
    response = client.post(reverse("troubleshoot:session_jump", args=[session.pk, first.pk]), **HX)
    assert response.status_code == 200
    session.refresh_from_db()
    assert session.current_node == first.node
    answers = Step.objects.filter(kind="answer").order_by("id")
    assert [s.abandoned for s in answers] == [True, True]
    post_answer(client, session, "No")
    answers = Step.objects.filter(kind="answer").order_by("id")
    assert [(s.choice_label, s.abandoned) for s in answers] == [
        ("Yes", True),
        ("Didn't work", True),
        ("No", False),
    ]


def test_browser_back_then_answering_an_earlier_step_is_a_jump_back(client_for, alice, tree_v1):
    client = client_for(alice)
    start(client, tree_v1)
    session = Session.objects.get()
    start_node = session.current_node
    post_answer(client, session, "Yes")
    # the back button lands on ?at=<start node>: the page shows that step again
    page = client.get(detail(session) + f"?at={start_node.pk}")
    assert b"You went back to this step" in page.content
    option = start_node.options.get(label="No")
    response = client.post(
        reverse("troubleshoot:session_answer", args=[session.pk]),
        {"node": start_node.pk, "option": option.pk},
        **HX,
    )
    assert response.status_code == 200
    assert [(s.choice_label, s.abandoned) for s in Step.objects.order_by("id")] == [
        ("Yes", True),
        ("No", False),
    ]


def test_step_for_a_node_of_another_version_is_a_400_and_saves_nothing(
    client_for, alice, owner, acme, tree_v1
):
    other = make_tree(acme, owner, title="Other tree")
    client = client_for(alice)
    start(client, tree_v1)
    session = Session.objects.get()
    foreign = other.start_node
    response = client.post(
        reverse("troubleshoot:session_answer", args=[session.pk]),
        {"node": foreign.pk, "option": foreign.options.first().pk},
        **HX,
    )
    assert response.status_code == 400
    assert b"not part of the tree version this session walks" in response.content
    assert not Step.objects.exists()


def test_answer_for_a_node_the_walk_never_reached_is_a_409(client_for, alice, tree_v1):
    client = client_for(alice)
    start(client, tree_v1)
    session = Session.objects.get()
    later = tree_v1.nodes.get(title="Restart the service")
    response = client.post(
        reverse("troubleshoot:session_answer", args=[session.pk]),
        {"node": later.pk, "option": later.options.first().pk},
    )
    assert response.status_code == 409
    assert b"moved on" in response.content


def test_garbage_answer_payload_is_a_400_not_a_500(client_for, alice, tree_v1):
    client = client_for(alice)
    start(client, tree_v1)
    session = Session.objects.get()
    url = reverse("troubleshoot:session_answer", args=[session.pk])
    assert client.post(url, {"node": "abc", "option": ""}).status_code == 400
    node = session.current_node
    assert client.post(url, {"node": node.pk, "option": 999999}).status_code == 400


def test_reaching_a_solution_offers_resolve_and_records_it(client_for, alice, tree_v1):
    client = client_for(alice)
    start(client, tree_v1)
    session = Session.objects.get()
    post_answer(client, session, "No")
    page = client.get(detail(session))
    assert b"This fixed it: resolve" in page.content
    response = client.post(
        reverse("troubleshoot:session_resolve", args=[session.pk]),
        {"resolution_note": "Swapped the PSU"},
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.RESOLVED and session.resolved_at
    assert Step.objects.filter(kind="answer", choice_label="This fixed it").exists()


def test_session_of_another_account_is_404_everywhere(client_for, alice, charlie, tree_v1):
    session = make_session(alice, tree_version=tree_v1, status="escalated")
    client = client_for(charlie)
    for name in ("session_detail", "session_export_markdown", "session_print", "session_timeline"):
        assert client.get(reverse(f"troubleshoot:{name}", args=[session.pk])).status_code == 404
    for name in ("session_note", "session_answer", "session_resolve", "chat_message"):
        url = reverse(f"troubleshoot:{name}", args=[session.pk])
        assert client.post(url, {"note": "x", "text": "x"}).status_code == 404


def test_others_read_an_escalated_session_but_cannot_write(client_for, alice, sam, viewer, tree_v1):
    session = make_session(alice, tree_version=tree_v1, status="escalated")
    for user in (sam, viewer):
        client = client_for(user)
        assert client.get(detail(session)).status_code == 200
    response = client_for(sam).post(
        reverse("troubleshoot:session_note", args=[session.pk]), {"note": "hi"}
    )
    assert response.status_code == 403
    assert not Step.objects.exists()


def test_oversized_note_is_refused_and_earlier_steps_stay(client_for, alice, tree_v1):
    session = make_session(alice, tree_version=tree_v1)
    add_step(session, alice, note="kept")
    response = client_for(alice).post(
        reverse("troubleshoot:session_note", args=[session.pk]), {"note": "x" * 5001}, **HX
    )
    assert response.status_code == 400
    assert b"at most 5000 characters" in response.content
    assert list(Step.objects.values_list("note", flat=True)) == ["kept"]


def test_session_list_tells_sessions_apart_in_constant_queries(
    client_for, alice, tree_v1, django_assert_max_num_queries
):
    make_session(
        alice,
        tree_version=tree_v1,
        problem_summary="Outlook not syncing",
        psa_ticket="12345",
        status="escalated",
    )
    make_session(alice, problem_summary="VPN drops at home", status="parked")
    client = client_for(alice)
    with django_assert_max_num_queries(6) as few:
        page = client.get(reverse("troubleshoot:session_list"))
    html = page.content.decode()
    assert "Outlook not syncing" in html and "VPN drops at home" in html
    assert '<span class="ticket">#12345</span>' in html
    assert "status-escalated" in html and "status-parked" in html
    assert "Printer offline" in html and "AI chat" in html
    for i in range(15):
        make_session(alice, tree_version=tree_v1 if i % 2 else None)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("troubleshoot:session_list"))


def test_markdown_export_downloads_the_document(client_for, alice, tree_v1):
    session = make_session(
        alice, tree_version=tree_v1, problem_summary="Printer offline", psa_ticket="777"
    )
    response = client_for(alice).get(
        reverse("troubleshoot:session_export_markdown", args=[session.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/markdown")
    assert f"baton-session-{session.pk}.md" in response["Content-Disposition"]
    assert response.content.decode().startswith("# Printer offline\n")
    assert "#777" in response.content.decode()


def test_print_view_is_standalone_and_escapes_user_text(client_for, alice):
    session = make_session(alice, problem_summary="<script>alert(1)</script> printer")
    add_step(session, alice, kind="user_message", text="<img src=x onerror=alert(1)>")
    response = client_for(alice).get(reverse("troubleshoot:session_print", args=[session.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "@media print" not in html  # the print rules live in the stylesheet
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
    assert "<img src=x" not in html
    assert 'class="topbar"' not in html
