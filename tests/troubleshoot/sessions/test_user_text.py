"""User text is text: notes, summaries and chat never become links or markup; only tree
step bodies are Markdown, and a link in the AI's answer is shown as its full URL."""

import pytest
from django.urls import reverse

from tests.factories_sessions import add_step, make_session
from troubleshoot.models import Session, Step
from troubleshoot.sessions.documentation import session_document
from troubleshoot.templatetags.baton_markdown import render_markdown

EVIL = "[the fix](https://evil.example/x)"
HIDDEN_LINK = 'href="https://evil.example/x"'


def test_the_write_up_keeps_user_markdown_as_characters(client_for, alice, tree_v1):
    session = make_session(alice, tree_version=tree_v1, problem_summary=f"Printer {EVIL}")
    add_step(session, alice, kind="note", note=f"Try {EVIL} <https://evil.example/y>")
    add_step(session, alice, kind="user_message", text=f"**urgent** {EVIL}")
    document = client_for(alice).get(
        reverse("troubleshoot:session_export_markdown", args=[session.pk])
    )
    text = document.content.decode()
    assert "\\[the fix\\](https://evil.example/x)" in text
    assert "\\<https://evil.example/y>" in text
    assert "\\*\\*urgent\\*\\*" in text
    # Rendered by Baton (the pickup screen's documentation), it is still those characters.
    html = render_markdown(session_document(session))
    assert "<a " not in html and "<strong>urgent" not in html
    assert "[the fix](https://evil.example/x)" in html


def test_user_text_on_the_session_page_is_escaped_text(client_for, alice):
    session = make_session(alice, problem_summary="VPN drops")
    add_step(session, alice, kind="user_message", text=EVIL)
    add_step(session, alice, kind="note", note=EVIL)
    html = client_for(alice).get(reverse("troubleshoot:session_detail", args=[session.pk]))
    assert HIDDEN_LINK not in html.content.decode()
    assert html.content.decode().count(EVIL) == 2


def test_a_link_in_the_assistants_answer_shows_its_url(client_for, alice):
    session = make_session(alice, problem_summary="VPN drops")
    add_step(session, None, kind="assistant_message", text=f"Download {EVIL} now.")
    html = client_for(alice).get(reverse("troubleshoot:session_detail", args=[session.pk]))
    body = html.content.decode()
    assert ">https://evil.example/x</a>" in body  # what the reader sees is where it goes
    assert ">the fix</a>" not in body


def test_tree_step_bodies_are_markdown_with_their_link_text(client_for, alice, tree_v1, owner):
    from troubleshoot.trees import services as tree_services

    tree = tree_v1.tree
    draft = tree.versions.get(number=0)
    node = draft.nodes.get(title="Restart the service")
    tree_services.node_update(
        actor=owner,
        node_id=node.pk,
        kind=node.kind,
        title=node.title,
        body="See the [vendor guide](https://vendor.example/kb).",
    )
    tree_services.tree_publish(actor=owner, tree_id=tree.pk)
    body = client_for(alice).get(reverse("troubleshoot:tree_detail", args=[tree.pk]))
    assert ">vendor guide</a>" in body.content.decode()


@pytest.mark.parametrize(
    "value, sentence",
    [
        ("\u200b\u200b\u2060", "only invisible characters"),
        ("Printer \u202eenilffo", "text-direction control characters"),
    ],
)
def test_a_summary_of_invisible_or_bidi_characters_is_refused(
    client_for, alice, tree_v1, value, sentence
):
    url = reverse("troubleshoot:tree_start_session", args=[tree_v1.tree_id])
    response = client_for(alice).post(url, {"problem_summary": value})
    assert response.status_code == 400
    assert sentence in response.content.decode()
    assert not Session.objects.exists()


@pytest.mark.parametrize("char", ["\u202a", "\u202e", "\u2066", "\u2069"])
def test_notes_and_chat_messages_refuse_bidi_controls(client_for, alice, char):
    session = make_session(alice, problem_summary="VPN drops")
    client = client_for(alice)
    note = client.post(
        reverse("troubleshoot:session_note", args=[session.pk]), {"note": f"run {char}cmd"}
    )
    chat = client.post(
        reverse("troubleshoot:chat_message", args=[session.pk]), {"text": f"see {char}x"}
    )
    assert (note.status_code, chat.status_code) == (400, 400)
    assert not Step.objects.filter(session=session).exists()
