"""/api/v1/sessions/: start (tree or chat), read, walk, note, resolve, list, export,
with the page's rules: its forms' limits, 404 for private or foreign sessions, 403
for viewers and for sessions someone else is working."""

import pytest
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from rest_framework.test import APIClient

from tests.factories_sessions import make_session, make_tree
from troubleshoot.models import Session, SessionKind, SessionStatus, StepKind

pytestmark = pytest.mark.django_db


def start(client, tree, **extra):
    body = {"tree_id": tree.pk, "problem_summary": "Printer offline on floor 2", **extra}
    return client.post("/api/v1/sessions/", body, format="json")


def test_start_from_a_tree_pins_its_published_version(api_for, alice, tree_v1):
    response = start(api_for(alice), tree_v1.tree, client_name="Contoso", psa_ticket="T2024.0042")
    assert response.status_code == 201
    session = Session.objects.get(pk=response.json()["id"])
    assert session.tree_version == tree_v1
    assert session.user == alice
    assert (session.client_name, session.psa_ticket) == ("Contoso", "T2024.0042")
    assert response.json()["current_step"]["id"] == tree_v1.start_node_id
    assert response.json()["can_work"] is True


def test_contact_and_ticket_priority_go_in_and_come_back(api_for, alice, tree_v1):
    response = start(
        api_for(alice), tree_v1.tree, contact_name="Megan Bowen", ticket_priority="P2 - High"
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["contact_name"], body["ticket_priority"]) == ("Megan Bowen", "P2 - High")
    session = Session.objects.get(pk=body["id"])
    assert (session.contact_name, session.ticket_priority) == ("Megan Bowen", "P2 - High")
    listed = api_for(alice).get("/api/v1/sessions/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert rows[0]["contact_name"] == "Megan Bowen"


def test_start_an_ai_chat_with_a_first_message(api_for, alice):
    response = api_for(alice).post(
        "/api/v1/sessions/",
        {"kind": "chat", "problem_summary": "VPN drops", "first_message": "Every 10 minutes"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["kind"] == SessionKind.CHAT
    assert response.json()["current_step"] is None
    assert [s["kind"] for s in response.json()["steps"]] == [StepKind.USER_MESSAGE]


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"psa_ticket": "ticket one"}, "psa_ticket"),
        ({"problem_summary": "x" * 501}, "problem_summary"),
        ({"problem_summary": "   "}, "problem_summary"),
        ({"tree_id": None}, "tree_id"),
        ({"problem_summary": "nul\x00byte"}, "problem_summary"),
    ],
)
def test_bad_start_input_is_400_naming_the_field(api_for, alice, tree_v1, extra, field):
    response = start(api_for(alice), tree_v1.tree, **extra)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert response.json()["detail"]
    assert not Session.objects.exists()


def test_the_ticket_message_is_the_pages(api_for, alice, tree_v1):
    response = start(api_for(alice), tree_v1.tree, psa_ticket="ticket one")
    assert response.json()["errors"]["psa_ticket"][0].startswith("Use the ticket number")


def test_an_unpublished_tree_is_400_and_another_accounts_tree_404(
    api_for, alice, acme, globex, charlie
):
    draft = make_tree(acme, alice, published=False)
    assert start(api_for(alice), draft.tree).status_code == 400
    foreign = make_tree(globex, charlie)
    assert start(api_for(alice), foreign.tree).status_code == 404


def test_a_viewer_cannot_start_or_walk(api_for, viewer, tree_v1):
    assert start(api_for(viewer), tree_v1.tree).status_code == 403


def test_walk_back_and_answer_errors(api_for, alice, tree_v1):
    client = api_for(alice)
    session = start(client, tree_v1.tree).json()
    url = f"/api/v1/sessions/{session['id']}"
    yes, no = session["current_step"]["options"]
    wrong = client.post(f"{url}/answer/", {"option_id": 999999}, format="json")
    assert wrong.status_code == 400
    assert wrong.json()["detail"] == "Choose one of the answers shown for this step."
    walked = client.post(f"{url}/answer/", {"option_id": yes["id"]}, format="json").json()
    action = walked["current_step"]
    assert action["kind"] == "action"
    # Answering a step that is not on the walk: the session moved on (409).
    solution_option = action["options"][0]
    stale = client.post(
        f"{url}/answer/",
        {"node_id": action["id"] + 1000, "option_id": solution_option["id"]},
        format="json",
    )
    assert stale.status_code == 400
    first_step = walked["steps"][-1]["id"]
    back = client.post(f"{url}/back/", {"step_id": first_step}, format="json")
    assert back.status_code == 200
    assert back.json()["current_step"]["id"] == tree_v1.start_node_id
    assert back.json()["steps"][0]["abandoned"] is True


def test_an_answer_to_a_step_the_walk_left_is_409(api_for, alice, tree_v1):
    client = api_for(alice)
    session = start(client, tree_v1.tree).json()
    url = f"/api/v1/sessions/{session['id']}"
    yes = session["current_step"]["options"][0]
    action = client.post(f"{url}/answer/", {"option_id": yes["id"]}, format="json").json()[
        "current_step"
    ]
    client.post(f"{url}/back/", {"step_id": Session.objects.get().steps.first().pk}, format="json")
    conflict = client.post(
        f"{url}/answer/",
        {"node_id": action["id"], "option_id": action["options"][0]["id"]},
        format="json",
    )
    assert conflict.status_code == 409
    assert "moved on" in conflict.json()["detail"]


def test_resolve_closes_and_then_nobody_works_it(api_for, alice, tree_v1):
    client = api_for(alice)
    session = start(client, tree_v1.tree).json()
    url = f"/api/v1/sessions/{session['id']}"
    resolved = client.post(
        f"{url}/resolve/", {"resolution_note": "Cleared the queue"}, format="json"
    )
    assert resolved.status_code == 200
    assert resolved.json()["status"] == SessionStatus.RESOLVED
    assert resolved.json()["can_work"] is False
    late = client.post(f"{url}/notes/", {"note": "one more thing"}, format="json")
    assert late.status_code == 403
    assert late.json()["detail"].startswith("Only the engineer working this session")
    assert client.post(f"{url}/resolve/", {}, format="json").status_code == 400


def test_private_and_foreign_sessions_are_404(api_for, alice, sam, charlie, tree_v1):
    session = make_session(alice, tree_version=tree_v1)
    for who in (sam, charlie):
        client = api_for(who)
        assert client.get(f"/api/v1/sessions/{session.pk}/").status_code == 404
        assert client.get(f"/api/v1/sessions/{session.pk}/documentation/").status_code == 404
        note = client.post(f"/api/v1/sessions/{session.pk}/notes/", {"note": "x"}, format="json")
        assert note.status_code == 404


def test_list_scopes_and_filters(api_for, alice, sam, charlie, tree_v1, globex):
    mine = make_session(alice, tree_version=tree_v1, psa_ticket="111")
    make_session(alice, tree_version=tree_v1, status=SessionStatus.RESOLVED)
    shared = make_session(sam, tree_version=tree_v1, status=SessionStatus.ESCALATED)
    make_session(sam, tree_version=tree_v1)  # private to Sam
    make_session(charlie)  # another account
    client = api_for(alice)
    ids = [s["id"] for s in client.get("/api/v1/sessions/").json()["results"]]
    assert len(ids) == 2 and shared.pk not in ids
    team = [s["id"] for s in client.get("/api/v1/sessions/?scope=team").json()["results"]]
    assert len(team) == 3 and shared.pk in team
    open_ = client.get("/api/v1/sessions/?status=open").json()["results"]
    assert [s["id"] for s in open_] == [mine.pk]
    by_ticket = client.get("/api/v1/sessions/?ticket=%23111").json()["results"]
    assert [s["id"] for s in by_ticket] == [mine.pk]
    assert client.get("/api/v1/sessions/?status=lost").status_code == 400


def test_list_pages_are_stable(api_for, alice, tree_v1):
    for _ in range(5):
        make_session(alice, tree_version=tree_v1)
    Session.objects.update(last_activity_at=Session.objects.first().last_activity_at)  # all tied
    client = api_for(alice)
    pages = [
        client.get(f"/api/v1/sessions/?page_size=2&page={n}").json()["results"] for n in (1, 2, 3)
    ]
    seen = [s["id"] for page in pages for s in page]
    assert sorted(seen) == sorted(Session.objects.values_list("pk", flat=True))
    assert seen == sorted(seen, reverse=True)


def test_documentation_is_markdown_also_when_asked_by_accept(api_for, alice, tree_v1):
    session = make_session(alice, tree_version=tree_v1, problem_summary="Toner smeared")
    client = api_for(alice)
    for accept in ("*/*", "text/markdown"):
        response = client.get(f"/api/v1/sessions/{session.pk}/documentation/", HTTP_ACCEPT=accept)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/markdown; charset=utf-8"
        assert "Toner smeared" in response.content.decode()


def test_the_browser_session_needs_the_csrf_token_to_write(alice, tree_v1):
    session = make_session(alice, tree_version=tree_v1)
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(alice, backend="troubleshoot.accounts.auth_backends.EmailBackend")
    url = f"/api/v1/sessions/{session.pk}/notes/"
    refused = client.post(url, {"note": "x"}, format="json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    accepted = client.post(
        url, {"note": "x"}, format="json", HTTP_X_CSRFTOKEN=_mask_cipher_secret(secret)
    )
    assert accepted.status_code == 201
    assert client.get(f"/api/v1/sessions/{session.pk}/").status_code == 200


def test_an_ai_chat_through_the_api_keeps_the_message_when_the_model_fails(
    api_for, alice, fake_anthropic
):
    from tests.fakes import FakeReply

    client = api_for(alice)
    session = client.post(
        "/api/v1/sessions/", {"kind": "chat", "problem_summary": "Printer jams"}, format="json"
    ).json()
    url = f"/api/v1/sessions/{session['id']}"
    assert client.post(f"{url}/reply/").status_code == 204  # nothing asked yet
    sent = client.post(f"{url}/messages/", {"text": "Jams on every page"}, format="json")
    assert sent.status_code == 201 and sent.json()["kind"] == StepKind.USER_MESSAGE
    assert client.post(f"{url}/messages/", {"text": "   "}, format="json").status_code == 400
    fake_anthropic.script([FakeReply(status=429, retry_after=3), FakeReply(text="Check rollers.")])
    failed = client.post(f"{url}/reply/")
    assert failed.status_code == 503
    assert failed.json()["detail"]
    answered = client.post(f"{url}/reply/")
    assert answered.status_code == 200
    assert answered.json()["text"] == "Check rollers."
    kinds = [s["kind"] for s in client.get(f"{url}/").json()["steps"]]
    assert kinds == [StepKind.USER_MESSAGE, StepKind.ASSISTANT_MESSAGE]


def test_only_the_engineer_working_a_chat_asks_the_assistant(api_for, alice, sam):
    session = make_session(alice, kind="chat", status=SessionStatus.ESCALATED)
    response = api_for(sam).post(f"/api/v1/sessions/{session.pk}/reply/")
    assert response.status_code == 403
