"""The /ws/events/ consumer: who may connect, which groups they hear.

Each scenario runs in one event loop (a communicator is bound to the loop it
started in); publish_now is the real, sync publisher, called from a thread.
"""

import logging

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from config.asgi import application
from tests.factories_sessions import make_session
from troubleshoot.accounts.services import member_change_role, member_remove
from troubleshoot.live.consumers import EventsConsumer
from troubleshoot.live.events import (
    CLOSE_ACCESS_CHANGED,
    account_group,
    publish_now,
    session_group,
    user_group,
)
from troubleshoot.models import Role, SessionStatus, User

pytestmark = pytest.mark.django_db(transaction=True)

publish = sync_to_async(publish_now)


async def connect_as(user, path="/ws/events/"):
    communicator = WebsocketCommunicator(EventsConsumer.as_asgi(), path)
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    if connected:
        assert (await communicator.receive_json_from(timeout=2))["type"] == "hello"
    return communicator, connected


def run(scenario):
    async_to_sync(scenario)()


def test_anonymous_is_refused():
    async def scenario():
        _, connected = await connect_as(AnonymousUser())
        assert not connected

    run(scenario)


def test_engineer_hears_own_account_events_and_own_user_events(alice):
    async def scenario():
        ws, connected = await connect_as(alice)
        assert connected
        await publish(account_group(alice.account_id), {"type": "handoff_created", "handoff_id": 7})
        assert await ws.receive_json_from(timeout=2) == {"type": "handoff_created", "handoff_id": 7}
        await publish(user_group(alice.pk), {"type": "notification_created"})
        assert await ws.receive_json_from(timeout=2) == {"type": "notification_created"}
        await ws.disconnect()

    run(scenario)


def test_viewer_gets_only_their_user_group(viewer):
    async def scenario():
        ws, connected = await connect_as(viewer)
        assert connected
        await publish(
            account_group(viewer.account_id), {"type": "handoff_created", "handoff_id": 1}
        )
        assert await ws.receive_nothing(timeout=0.4)
        await publish(user_group(viewer.pk), {"type": "notification_created"})
        assert (await ws.receive_json_from(timeout=2))["type"] == "notification_created"
        await ws.disconnect()

    run(scenario)


def test_account_b_never_receives_account_a_events(alice, charlie):
    async def scenario():
        a, _ = await connect_as(alice)
        b, _ = await connect_as(charlie)
        await publish(account_group(alice.account_id), {"type": "handoff_created", "handoff_id": 9})
        assert (await a.receive_json_from(timeout=2))["handoff_id"] == 9
        assert await b.receive_nothing(timeout=0.4)
        await a.disconnect()
        await b.disconnect()

    run(scenario)


def test_a_page_on_one_session_also_hears_that_sessions_group(alice, viewer, charlie):
    """The pickup screen connects with ?session=<id>: assessment_ready goes only there.
    Joined after the session pages' own access check, so a session the user may not see
    (another account's, or a teammate's private one) is not joined."""
    escalated = make_session(alice, status=SessionStatus.ESCALATED)
    private = make_session(alice)  # active: its owner's only

    async def scenario():
        ready = {"type": "assessment_ready", "handoff_id": 4}
        mine, _ = await connect_as(alice, f"/ws/events/?session={escalated.pk}")
        teammate, _ = await connect_as(viewer, f"/ws/events/?session={escalated.pk}")
        snoop, _ = await connect_as(viewer, f"/ws/events/?session={private.pk}")
        foreign, _ = await connect_as(charlie, f"/ws/events/?session={escalated.pk}")
        plain, _ = await connect_as(alice, "/ws/events/?session=not-a-number")
        await publish(session_group(escalated.pk), ready)
        await publish(session_group(private.pk), ready)
        assert await mine.receive_json_from(timeout=2) == ready
        assert await teammate.receive_json_from(timeout=2) == ready
        assert await snoop.receive_nothing(timeout=0.4)
        assert await foreign.receive_nothing(timeout=0.2)
        assert await plain.receive_nothing(timeout=0.2)
        for ws in (mine, teammate, snoop, foreign, plain):
            await ws.disconnect()

    run(scenario)


@pytest.mark.parametrize(
    "query",
    ["%C2%B2", "9" * 5000, "99999999999999999999", "%D9%A3", "1%00", "-1", "session=1&session=x"],
    ids=[
        "superscript two",
        "5,000 digits",
        "beyond bigint",
        "arabic-indic 3",
        "NUL",
        "-1",
        "twice",
    ],
)
def test_a_session_value_that_is_no_id_connects_without_a_session_group(alice, query):
    """ "²".isdigit() is True and int("²") raises: that used to end the socket's connect."""

    async def scenario():
        communicator = WebsocketCommunicator(
            EventsConsumer.as_asgi(), f"/ws/events/?session={query}"
        )
        communicator.scope["user"] = alice
        connected, _ = await communicator.connect()
        assert connected
        assert await communicator.receive_json_from(timeout=2) == {"type": "hello", "groups": 2}
        await communicator.disconnect()

    run(scenario)


def test_messages_from_the_client_are_not_relayed(alice, sam):
    async def scenario():
        a, _ = await connect_as(alice)
        s, _ = await connect_as(sam)
        await a.send_json_to({"type": "handoff_created", "handoff_id": 1})
        assert await s.receive_nothing(timeout=0.4)
        assert await a.receive_nothing(timeout=0.1)
        await a.disconnect()
        await s.disconnect()

    run(scenario)


def _session_cookie(client, user):
    client.force_login(user, backend="troubleshoot.accounts.auth_backends.EmailBackend")
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _connects_through_full_stack(cookie, origin) -> bool:
    async def scenario():
        headers = [(b"origin", origin.encode()), (b"host", b"127.0.0.1:8000")]
        if cookie:
            headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
        ws = WebsocketCommunicator(application, "/ws/events/", headers=headers)
        connected, _ = await ws.connect()
        if connected:
            await ws.disconnect()
        return connected

    return async_to_sync(scenario)()


def test_full_stack_accepts_a_logged_in_user_from_an_allowed_origin(client, alice):
    assert _connects_through_full_stack(_session_cookie(client, alice), "http://127.0.0.1:8000")


def test_full_stack_refuses_a_foreign_origin(client, alice):
    assert not _connects_through_full_stack(_session_cookie(client, alice), "http://evil.example")


@pytest.mark.parametrize(
    "origin",
    [
        "http://127.0.0.1:8001",  # the same host, another port (another service)
        "https://127.0.0.1:8000",  # another scheme
        "http://127.0.0.1:8000.evil.example",
        "http://127.0.0.1:notaport",
        "",
    ],
)
def test_full_stack_refuses_an_origin_that_differs_in_scheme_host_or_port(client, alice, origin):
    assert not _connects_through_full_stack(_session_cookie(client, alice), origin)


def test_full_stack_accepts_a_trusted_proxy_origin(client, alice, settings):
    """Behind a TLS-terminating proxy the socket is ws:// but the page is https://."""
    settings.CSRF_TRUSTED_ORIGINS = ["https://baton.example"]
    settings.ALLOWED_HOSTS = ["127.0.0.1", "baton.example"]
    cookie = _session_cookie(client, alice)
    assert _connects_through_full_stack(cookie, "https://baton.example")
    assert not _connects_through_full_stack(cookie, "https://baton.example:8443")


def test_full_stack_refuses_without_a_session(client):
    assert not _connects_through_full_stack(None, "http://127.0.0.1:8000")


@pytest.mark.skipif(
    not __import__("os").environ.get("REDIS_URL"),
    reason="needs Redis: set REDIS_URL=redis://... (.ci/run does)",
)
def test_idle_socket_still_hears_events_on_the_redis_layer(alice):
    """redis-py 8 closes a blocking read idle for 5 s unless socket_timeout is lifted
    (FIELD-NOTES): a senior watching a quiet queue must still get the next escalation."""
    import asyncio

    async def scenario():
        ws, _ = await connect_as(alice)
        await asyncio.sleep(7)
        await publish(account_group(alice.account_id), {"type": "handoff_created", "handoff_id": 3})
        assert (await ws.receive_json_from(timeout=3))["handoff_id"] == 3
        await ws.disconnect()

    run(scenario)


def test_a_demoted_engineer_stops_hearing_the_account_within_a_second(owner, alice):
    async def scenario():
        ws, _ = await connect_as(alice)
        await sync_to_async(member_change_role)(actor=owner, member=alice, role=Role.VIEWER)
        assert await ws.receive_output(timeout=1) == {
            "type": "websocket.close",
            "code": CLOSE_ACCESS_CHANGED,
        }
        # The page reconnects; connect decides afresh: the user group only.
        demoted = await User.objects.aget(pk=alice.pk)
        again, connected = await connect_as(demoted)
        assert connected
        await publish(account_group(alice.account_id), {"type": "handoff_created", "handoff_id": 1})
        assert await again.receive_nothing(timeout=0.3)
        await again.disconnect()

    run(scenario)


def test_a_removed_member_is_cut_off_and_the_rest_keep_listening(owner, alice, sam):
    async def scenario():
        gone, _ = await connect_as(alice)
        stays, _ = await connect_as(sam)
        await sync_to_async(member_remove)(actor=owner, member=alice)
        assert (await gone.receive_output(timeout=1))["code"] == CLOSE_ACCESS_CHANGED
        await publish(account_group(sam.account_id), {"type": "handoff_created", "handoff_id": 2})
        assert (await stays.receive_json_from(timeout=2))["handoff_id"] == 2
        await stays.disconnect()

    run(scenario)


def test_a_frame_that_is_not_json_is_ignored_without_a_traceback(alice, caplog):
    async def scenario():
        ws, _ = await connect_as(alice)
        await ws.send_to(text_data="not json {")
        await ws.send_to(bytes_data=b"\x00\xff")
        assert await ws.receive_nothing(timeout=0.3)
        await publish(user_group(alice.pk), {"type": "notification_created"})
        assert await ws.receive_json_from(timeout=2) == {"type": "notification_created"}
        await ws.disconnect()

    run(scenario)
    assert [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info] == []
