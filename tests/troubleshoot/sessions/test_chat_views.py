"""AI chat in the browser: the message is saved at once, the reply comes by its own
request, errors show a retry button, and nothing is ever lost."""

import pytest
from django.urls import reverse

from tests.factories_sessions import add_step, make_session, make_tree
from tests.fakes import FakeReply
from troubleshoot.models import Session, Step

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def offline(settings):
    settings.ANTHROPIC_API_KEY = ""


def test_starting_a_chat_saves_the_first_message_and_shows_thinking(client_for, alice, offline):
    client = client_for(alice)
    response = client.post(
        reverse("troubleshoot:session_new_chat"),
        {
            "problem_summary": "VPN drops",
            "first_message": "Drops every 5 minutes",
            "psa_ticket": "4711",
        },
    )
    session = Session.objects.get()
    assert response.status_code == 302
    assert (session.kind, session.psa_ticket, session.tree_version) == ("chat", "4711", None)
    page = client.get(reverse("troubleshoot:session_detail", args=[session.pk]))
    html = page.content.decode()
    assert "Drops every 5 minutes" in html
    assert 'hx-trigger="load"' in html and "thinking…" in html


def test_message_is_saved_before_the_reply_and_the_reply_swaps_in(
    client_for, alice, fake_anthropic
):
    fake_anthropic.set(reply_text="Try **safe mode**.")
    session = make_session(alice, kind="chat", problem_summary="Outlook crashes")
    client = client_for(alice)
    response = client.post(
        reverse("troubleshoot:chat_message", args=[session.pk]),
        {"text": "It crashes on start"},
        **HX,
    )
    assert response.status_code == 200
    assert fake_anthropic.requests == []  # posting never waits for the model
    assert b"It crashes on start" in response.content and b"thinking" in response.content
    reply = client.post(reverse("troubleshoot:chat_reply", args=[session.pk]), **HX)
    assert b"<strong>safe mode</strong>" in reply.content
    assert list(Step.objects.values_list("kind", flat=True)) == [
        "user_message",
        "assistant_message",
    ]
    # asking again does not call the model twice: nothing is waiting
    client.post(reverse("troubleshoot:chat_reply", args=[session.pk]), **HX)
    assert len(fake_anthropic.requests) == 1


def test_model_error_shows_a_retry_button_and_loses_nothing(client_for, alice, fake_anthropic):
    session = make_session(alice, kind="chat")
    add_step(session, alice, kind="user_message", text="Printer jams")
    fake_anthropic.script(
        [FakeReply(status=429, retry_after=3), FakeReply(text="Check the rollers.")]
    )
    client = client_for(alice)
    url = reverse("troubleshoot:chat_reply", args=[session.pk])
    failed = client.post(url, **HX)
    html = failed.content.decode()
    assert failed.status_code == 200
    assert (
        "rate-limiting" in html and "Your messages are saved." in html and ">Retry</button>" in html
    )
    assert list(Step.objects.values_list("kind", flat=True)) == ["user_message"]
    retried = client.post(url, **HX)
    assert b"Check the rollers." in retried.content
    assert Step.objects.filter(kind="assistant_message").count() == 1


def test_offline_reply_works_without_a_key(client_for, alice, owner, acme, offline):
    make_tree(acme, owner, title="VPN won't connect", category="Network", tags="vpn")
    session = make_session(alice, kind="chat", problem_summary="VPN fails with timeout")
    add_step(session, alice, kind="user_message", text="vpn timeout")
    reply = client_for(alice).post(reverse("troubleshoot:chat_reply", args=[session.pk]), **HX)
    assert b"Offline assistant (no AI model configured)" in reply.content
    assert b"VPN won&#x27;t connect" in reply.content or b"VPN won't connect" in reply.content


def test_start_tree_from_chat_continues_in_the_same_timeline(
    client_for, alice, owner, acme, offline
):
    v1 = make_tree(acme, owner, title="VPN won't connect", category="Network", tags="vpn")
    session = make_session(alice, kind="chat", problem_summary="VPN timeout at home")
    add_step(session, alice, kind="user_message", text="vpn timeout")
    client = client_for(alice)
    page = client.get(reverse("troubleshoot:session_detail", args=[session.pk]))
    assert b"Matching trees" in page.content and b"Start tree" in page.content
    response = client.post(
        reverse("troubleshoot:session_start_tree", args=[session.pk]), {"tree": v1.tree_id}
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.tree_version == v1 and session.current_node == v1.start_node
    assert session.kind == "chat"
    kinds = list(session.steps.order_by("id").values_list("kind", flat=True))
    assert kinds == ["user_message", "system"]
    page = client.get(reverse("troubleshoot:session_detail", args=[session.pk]))
    assert b"Does the device power on?" in page.content and b"vpn timeout" in page.content


def test_only_the_worker_may_ask_for_a_reply(client_for, alice, sam, fake_anthropic):
    session = make_session(alice, kind="chat", status="escalated")
    add_step(session, alice, kind="user_message", text="hi")
    assert (
        client_for(sam).post(reverse("troubleshoot:chat_reply", args=[session.pk])).status_code
        == 403
    )
    assert fake_anthropic.requests == []


def test_empty_or_oversized_message_is_refused(client_for, alice):
    session = make_session(alice, kind="chat")
    url = reverse("troubleshoot:chat_message", args=[session.pk])
    client = client_for(alice)
    assert client.post(url, {"text": "   "}, **HX).status_code == 400
    response = client.post(url, {"text": "x" * 8001}, **HX)
    assert response.status_code == 400 and b"at most 8000 characters" in response.content
    assert not Step.objects.exists()


def test_without_javascript_a_model_error_is_a_page_with_the_sentence(
    client_for, alice, fake_anthropic
):
    session = make_session(alice, kind="chat")
    add_step(session, alice, kind="user_message", text="hello")
    fake_anthropic.set(status=500)
    response = client_for(alice).post(reverse("troubleshoot:chat_reply", args=[session.pk]))
    assert response.status_code == 503
    assert b"The AI service answered with an error (500)." in response.content
    assert b"hello" in response.content
