"""Resolution → tree improvement: a resolved escalation proposes an update in the tree's
draft; editors accept, edit or discard it; publishing waits for the decision."""

import json

import pytest

from handoffs import services
from handoffs.tasks import draft_proposal_wording
from tests.conftest import login
from tests.fakes.anthropic_server import FakeAnthropic
from troubleshoot.models import Node, NodeKind, Option, Session, TreeProposal, WordingStatus
from troubleshoot.trees import proposals as proposal_services
from troubleshoot.trees import services as tree_services

NOTE = "Deleted the cached credentials in Credential Manager\nThen re-added the account."


@pytest.fixture
def claimed(escalate, alice, sam, session):
    handoff = escalate(alice, session)
    services.handoff_claim(actor=sam, handoff_id=handoff.pk)
    return handoff


def _resolve(sam, handoff, note=NOTE, propose=True, capture=None):
    return services.handoff_resolve(
        actor=sam, handoff_id=handoff.pk, note=note, propose_tree_update=propose
    )


def _draft_nodes(tree):
    return Node.objects.filter(version__tree=tree, version__number=0)


def test_resolve_with_proposal_adds_an_answer_and_solution_to_the_draft_only(
    claimed, sam, tree_version
):
    tree = tree_version.tree
    published_before = tree_version.nodes.count()
    resolved = _resolve(sam, claimed)
    proposal = resolved.tree_proposal
    assert proposal is not None and proposal.is_pending
    # At the step where the junior stood (the start question), by its ref, in the draft.
    assert proposal.node.version.number == 0
    assert proposal.node.ref == tree_version.start_node.ref
    assert proposal.option.node_id == proposal.node_id
    assert proposal.option.target_id == proposal.solution_id
    assert proposal.option.label.startswith("None of these: Outlook is failing")
    assert proposal.solution.kind == NodeKind.SOLUTION
    assert proposal.solution.title == "Deleted the cached credentials in Credential Manager"
    assert proposal.solution.body == NOTE
    assert proposal.wording == WordingStatus.NOTE  # offline: the note as it is
    assert tree_version.nodes.count() == published_before  # the published version is intact
    tree.refresh_from_db()
    assert tree.latest_published_id == tree_version.pk


def test_without_the_box_or_without_a_note_nothing_is_proposed(escalate, alice, sam, session):
    handoff = escalate(alice, session)
    services.handoff_claim(actor=sam, handoff_id=handoff.pk)
    assert getattr(_resolve(sam, handoff, propose=False), "tree_proposal", None) is None
    assert not TreeProposal.objects.exists()


def test_an_empty_note_proposes_nothing(claimed, sam):
    assert _resolve(sam, claimed, note="").tree_proposal is None
    assert not TreeProposal.objects.exists()
    assert Session.objects.get(pk=claimed.session_id).status == "resolved"


def test_escalated_at_a_solution_the_answer_hangs_on_the_step_before_it(
    escalate, alice, sam, session, tree_version
):
    psu = tree_version.nodes.get(title="Replace the power supply")
    Session.objects.filter(pk=session.pk).update(current_node=psu)
    handoff = escalate(alice, session)
    services.handoff_claim(actor=sam, handoff_id=handoff.pk)
    proposal = _resolve(sam, handoff).tree_proposal
    assert proposal.node.ref == tree_version.start_node.ref  # "No" led to the PSU
    assert proposal.node.kind == NodeKind.QUESTION


def test_resolve_form_offers_the_proposal_for_a_tree_escalation(client, claimed, sam):
    login(client, sam)
    body = client.get(f"/sessions/{claimed.session_id}/pickup/").content.decode()
    assert 'name="propose_tree_update"' in body and "Propose a tree update" in body


def test_resolve_form_offers_no_proposal_for_a_chat(client, escalate, alice, sam):
    from tests.factories_sessions import make_session

    chat = make_session(alice, problem_summary="Chat only")
    handoff = escalate(alice, chat)
    services.handoff_claim(actor=sam, handoff_id=handoff.pk)
    login(client, sam)
    body = client.get(f"/sessions/{chat.pk}/pickup/").content.decode()
    assert "propose_tree_update" not in body


def test_resolve_view_with_the_box_writes_the_proposal(client, claimed, sam, tree_version):
    login(client, sam)
    response = client.post(
        f"/handoffs/{claimed.pk}/resolve/", {"note": NOTE, "propose_tree_update": "1"}
    )
    assert response.status_code == 303
    proposal = TreeProposal.objects.get()
    assert proposal.tree_id == tree_version.tree_id
    page = client.get(response["Location"]).content.decode()
    assert "A tree update was proposed" in page


def test_editor_and_library_show_the_proposal_and_publishing_waits(
    client, claimed, sam, tree_version
):
    tree = tree_version.tree
    proposal = _resolve(sam, claimed).tree_proposal
    login(client, sam)
    library = client.get("/trees/").content.decode()
    assert "1 proposal from an escalation" in library
    editor = client.get(f"/trees/{tree.pk}/edit/").content.decode()
    assert "1 proposal from an escalation" in editor
    assert "proposed from an escalation" in editor  # the marker on the new solution
    response = client.post(f"/trees/{tree.pk}/edit/publish/")
    assert response.status_code == 400
    assert "waits for review" in response.content.decode()

    # An editor rewrites the solution like any step, then accepts.
    tree_services.node_update(
        actor=sam,
        node_id=proposal.solution_id,
        kind="solution",
        title="Reset cached creds",
        body="1. Open Credential Manager",
    )
    response = client.post(
        f"/trees/{tree.pk}/edit/proposals/{proposal.pk}/accept/", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "from an escalation" not in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "accepted" and proposal.decided_by == sam
    assert client.post(f"/trees/{tree.pk}/edit/publish/").status_code in (302, 303)
    tree.refresh_from_db()
    published = tree.latest_published
    assert published.number == 2
    assert published.nodes.filter(title="Reset cached creds").exists()


def test_discard_takes_the_answer_and_solution_out_of_the_draft(client, claimed, sam):
    proposal = _resolve(sam, claimed).tree_proposal
    tree = proposal.tree
    before = _draft_nodes(tree).count()
    login(client, sam)
    response = client.post(f"/trees/{tree.pk}/edit/proposals/{proposal.pk}/discard/")
    assert response.status_code in (302, 303)
    assert _draft_nodes(tree).count() == before - 1
    assert not Option.objects.filter(pk=proposal.option_id).exists()
    proposal.refresh_from_db()
    assert proposal.status == "discarded"
    # Decided: a second decision finds nothing waiting.
    again = client.post(f"/trees/{tree.pk}/edit/proposals/{proposal.pk}/accept/")
    assert again.status_code == 404


def test_other_accounts_and_viewers_cannot_decide(client, claimed, sam, charlie, viewer):
    proposal = _resolve(sam, claimed).tree_proposal
    url = f"/trees/{proposal.tree_id}/edit/proposals/{proposal.pk}/accept/"
    login(client, charlie)
    assert client.post(url).status_code == 404
    login(client, viewer)
    assert client.post(url).status_code == 403
    proposal.refresh_from_db()
    assert proposal.is_pending


def test_tree_map_marks_the_step_where_escalations_stood(client, claimed, sam, tree_version):
    login(client, sam)
    body = client.get(f"/trees/{tree_version.tree_id}/").content.decode()
    start_ref = tree_version.start_node.ref
    assert 'class="tm-box kind-question hot' in body
    assert f'data-ref="{start_ref}"' in body
    assert "HOT · 1 escalated" in body


# --- AI wording after commit ----------------------------------------------------------

AI_JSON = json.dumps(
    {
        "answer_label": "Prompts for the password again and again",
        "title": "Clear the cached credentials",
        "body": "1. Open Credential Manager\n2. Remove the Office entries",
    }
)


@pytest.fixture
def anthropic(settings):
    with FakeAnthropic(reply_text=AI_JSON) as fake:
        settings.ANTHROPIC_API_KEY = "test-key"
        settings.ANTHROPIC_BASE_URL = fake.base_url
        settings.BATON_AI_TIMEOUT = 1.0
        settings.BATON_AI_MAX_RETRIES = 0
        yield fake


def test_with_a_key_the_ai_redrafts_the_wording_after_commit(
    anthropic, claimed, sam, django_capture_on_commit_callbacks
):
    before = len(anthropic.requests)  # the escalation's assessment
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        proposal = _resolve(sam, claimed).tree_proposal
    assert proposal.wording == WordingStatus.WRITING
    assert len(anthropic.requests) == before  # nothing in the request itself
    for callback in callbacks:
        callback()
    proposal.refresh_from_db()
    assert proposal.wording == WordingStatus.AI
    assert proposal.solution.title == "Clear the cached credentials"
    assert proposal.option.label == "Prompts for the password again and again"
    assert "<session_data>" in json.dumps(anthropic.requests[-1]["json"]["messages"])


def test_an_editors_change_wins_over_a_late_ai_answer(anthropic, claimed, sam):
    proposal = _resolve(sam, claimed).tree_proposal
    tree_services.node_update(
        actor=sam, node_id=proposal.solution_id, kind="solution", title="Mine", body="Mine"
    )
    assert draft_proposal_wording.apply(args=(proposal.pk,)).get() == "kept"
    proposal.refresh_from_db()
    assert proposal.solution.title == "Mine" and proposal.wording == WordingStatus.NOTE


def test_an_ai_failure_keeps_the_note(settings, claimed, sam):
    with FakeAnthropic(reply_text="not json at all") as fake:
        settings.ANTHROPIC_API_KEY = "test-key"
        settings.ANTHROPIC_BASE_URL = fake.base_url
        settings.BATON_AI_MAX_RETRIES = 0
        proposal = _resolve(sam, claimed).tree_proposal
        assert draft_proposal_wording.apply(args=(proposal.pk,)).get() == "failed"
    proposal.refresh_from_db()
    assert proposal.wording == WordingStatus.FAILED
    assert proposal.solution.body == NOTE


def test_offline_no_task_is_queued(claimed, sam, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _resolve(sam, claimed)
    names = [getattr(c, "__qualname__", "") for c in callbacks]
    assert TreeProposal.objects.get().wording == WordingStatus.NOTE
    assert proposal_services.offline_wording(
        anchor_kind=NodeKind.ACTION, problem_summary="x", resolution_note="fix"
    )["answer_label"].startswith("Still not fixed")
    assert all("draft_proposal_wording" not in n for n in names)
