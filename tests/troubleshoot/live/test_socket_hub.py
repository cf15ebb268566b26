"""The socket hub: one channel-layer subscription per process and group.

Runs on whichever layer the suite has (in-memory, or Redis pub/sub in CI); the counting
wrapper only watches what the hub asks of it.
"""

import asyncio
import shutil
import socket
import subprocess
import threading
import time

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator

from tests.conftest import requires_redis
from troubleshoot.live import socket_hub
from troubleshoot.live.consumers import CLOSE_TRY_AGAIN, EventsConsumer
from troubleshoot.live.events import account_group, publish_now, user_group
from troubleshoot.live.socket_hub import SocketHub, hub_for_running_loop

pytestmark = pytest.mark.django_db(transaction=True)

publish = sync_to_async(publish_now)


class CountingLayer:
    """The real layer, with a record of the group memberships the hub asked for."""

    def __init__(self, layer):
        self.layer = layer
        self.added: list[str] = []
        self.discarded: list[str] = []

    def __getattr__(self, name):
        return getattr(self.layer, name)

    async def group_add(self, group, channel):
        self.added.append(group)
        await self.layer.group_add(group, channel)

    async def group_discard(self, group, channel):
        self.discarded.append(group)
        await self.layer.group_discard(group, channel)


async def watch(user):
    communicator = WebsocketCommunicator(EventsConsumer.as_asgi(), "/ws/events/")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    assert (await communicator.receive_json_from(timeout=2))["type"] == "hello"
    return communicator


def test_sockets_of_one_process_share_one_subscription_per_group(alice, sam):
    group = account_group(alice.account_id)
    event = {"type": "handoff_created", "handoff_id": 5}

    async def scenario():
        hub = hub_for_running_loop()
        layer = hub.layer = CountingLayer(hub.layer)
        a = await watch(alice)
        s = await watch(sam)
        # Two watchers, one membership of the account group (plus one user group each).
        assert layer.added.count(group) == 1
        assert sorted(layer.added) == sorted([group, user_group(alice.pk), user_group(sam.pk)])
        await publish(group, event)
        assert await a.receive_json_from(timeout=2) == event
        assert await s.receive_json_from(timeout=2) == event

        await a.disconnect()
        assert group not in layer.discarded  # Sam still watches
        await publish(group, event)
        assert await s.receive_json_from(timeout=2) == event

        await s.disconnect()
        assert layer.discarded.count(group) == 1
        # Nothing left running or subscribed once the last socket is gone.
        assert hub.members == {}
        assert hub.channel_name is None

    async_to_sync(scenario)()


def test_a_watcher_arriving_after_the_last_one_left_hears_events_again(alice):
    event = {"type": "handoff_created", "handoff_id": 6}

    async def scenario():
        first = await watch(alice)
        await first.disconnect()
        again = await watch(alice)
        await publish(account_group(alice.account_id), event)
        assert await again.receive_json_from(timeout=2) == event
        await again.disconnect()

    async_to_sync(scenario)()


def test_one_broken_socket_does_not_cost_the_others_the_event():
    received = []

    class Open:
        async def forward(self, text):
            received.append(text)

    class Broken:
        async def forward(self, text):
            raise ConnectionResetError("peer went away")

    async def scenario():
        hub = SocketHub(layer=None)
        hub.members["account-1"] = {Open(), Broken(), Open()}
        assert await hub.fan_out("account-1", '{"type":"x"}') == 2
        assert await hub.fan_out("account-2", '{"type":"x"}') == 0  # no socket here
        assert await hub.fan_out(None, '{"type":"x"}') == 0  # a message naming no group

    asyncio.run(scenario())
    assert received == ['{"type":"x"}', '{"type":"x"}']


def test_a_socket_whose_groups_cannot_be_joined_is_closed_so_the_page_retries(alice, monkeypatch):
    async def layer_down(self, group, listener):
        raise ConnectionError("Redis unreachable")

    monkeypatch.setattr(SocketHub, "join", layer_down)

    async def scenario():
        communicator = WebsocketCommunicator(EventsConsumer.as_asgi(), "/ws/events/")
        communicator.scope["user"] = alice
        connected, _ = await communicator.connect()
        assert connected
        closing = await communicator.receive_output(timeout=2)
        assert closing == {"type": "websocket.close", "code": CLOSE_TRY_AGAIN}
        await communicator.disconnect()

    async_to_sync(scenario)()


@requires_redis
def test_every_process_with_watchers_in_the_group_hears_the_event_once(alice, sam):
    """Two event loops stand for two daphne processes (channels_redis keeps a
    subscriber per loop): each hub subscribes for its own sockets, and one publish
    reaches both, once each."""
    group = account_group(alice.account_id)
    event = {"type": "handoff_created", "handoff_id": 8}
    ready, heard = threading.Barrier(3), {}

    def daphne_process(user):
        async def scenario():
            ws = await watch(user)
            ready.wait(timeout=5)
            first = await ws.receive_json_from(timeout=3)
            heard[user.pk] = (first, await ws.receive_nothing(timeout=0.3))  # once, not twice
            await ws.disconnect()

        async_to_sync(scenario)()

    processes = [threading.Thread(target=daphne_process, args=(u,)) for u in (alice, sam)]
    for process in processes:
        process.start()
    ready.wait(timeout=5)
    publish_now(group, event)
    for process in processes:
        process.join(10)
    assert heard == {alice.pk: (event, True), sam.pk: (event, True)}


class ScriptedLayer:
    """A channel layer reduced to what the hub uses, fed by the test."""

    def __init__(self, *, refuse_groups=False):
        self.inbox: asyncio.Queue = asyncio.Queue()
        self.refuse_groups = refuse_groups

    async def new_channel(self):
        return "hub.1"

    async def group_add(self, group, channel):
        if self.refuse_groups:
            raise ConnectionError("Redis unreachable")

    async def group_discard(self, group, channel):
        return None

    async def receive(self, channel):
        return await self.inbox.get()


def test_a_malformed_message_does_not_stop_the_hub():
    received = []

    class Open:
        async def forward(self, text):
            received.append(text)

    async def scenario():
        layer, socket = ScriptedLayer(), Open()
        hub = SocketHub(layer)
        await hub.join("account-1", socket)
        layer.inbox.put_nowait("not a message")
        layer.inbox.put_nowait({"group": "account-1", "text": '{"type":"x"}'})
        for _ in range(100):
            if received:
                break
            await asyncio.sleep(0.01)
        await hub.leave("account-1", socket)

    asyncio.run(scenario())
    assert received == ['{"type":"x"}']


def test_a_refused_first_join_leaves_no_reader_running():
    async def scenario():
        hub = SocketHub(ScriptedLayer(refuse_groups=True))
        with pytest.raises(ConnectionError):
            await hub.join("account-1", object())
        assert hub._reader is None and hub.channel_name is None and hub.members == {}

    asyncio.run(scenario())


def test_a_socket_that_ended_without_leaving_drops_out_of_its_group():
    class Open:
        async def forward(self, text):
            return None

    async def scenario():
        hub = SocketHub(ScriptedLayer())
        kept, gone = Open(), Open()
        await hub.join("account-1", kept)
        await hub.join("account-1", gone)
        del gone  # its application was cancelled: nothing holds it any more
        assert await hub.fan_out("account-1", "{}") == 1
        await hub.leave("account-1", kept)

    asyncio.run(scenario())


class Recorder:
    def __init__(self):
        self.texts: list[str] = []

    async def forward(self, text):
        self.texts.append(text)


async def wait_until(condition, seconds=5.0):
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.01)


def test_a_lost_echo_pauses_every_socket_once_and_its_return_makes_them_catch_up(monkeypatch):
    monkeypatch.setattr(socket_hub, "HEARTBEAT_SECONDS", 0.02)
    monkeypatch.setattr(socket_hub, "HEARTBEAT_TIMEOUT", 0.05)

    class FlakyLayer(ScriptedLayer):
        up = True

        async def send(self, channel, message):
            if self.up:  # the echo comes back through the hub's channel
                self.inbox.put_nowait(message)

    async def scenario():
        layer, watcher, viewer = FlakyLayer(), Recorder(), Recorder()
        hub = SocketHub(layer)
        await hub.join("account-1", watcher)
        await hub.join("user-1", watcher)  # in two groups, told once
        await hub.join("user-2", viewer)
        await asyncio.sleep(0.15)  # healthy beats: nothing said
        assert watcher.texts == viewer.texts == []
        layer.up = False
        await wait_until(lambda: hub.paused)
        await asyncio.sleep(0.15)  # still down: said once, not every beat
        layer.up = True
        await wait_until(lambda: not hub.paused)
        for group, listener in (("account-1", watcher), ("user-1", watcher), ("user-2", viewer)):
            await hub.leave(group, listener)
        return watcher.texts, viewer.texts

    watcher_heard, viewer_heard = asyncio.run(scenario())
    expected = [socket_hub.LIVE_PAUSED, socket_hub.LIVE_RESUMED]
    assert watcher_heard == viewer_heard == expected


@pytest.mark.skipif(
    not shutil.which("redis-server"), reason="needs the redis-server binary (Debian's redis-server)"
)
def test_after_a_redis_restart_the_hub_says_so_and_hears_events_again(monkeypatch):
    """A Redis of the test's own (the suite's shared one stays up): stopped while a
    socket is open, then started again on the same port."""
    from channels_redis.pubsub import RedisPubSubChannelLayer

    monkeypatch.setattr(socket_hub, "HEARTBEAT_SECONDS", 0.2)
    monkeypatch.setattr(socket_hub, "HEARTBEAT_TIMEOUT", 0.5)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    def redis_up():
        subprocess.run(
            [
                "redis-server",
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--daemonize",
                "yes",
                "--logfile",
                "",
            ],
            check=True,
        )

    def redis_down():
        subprocess.run(["redis-cli", "-p", str(port), "shutdown", "nosave"], check=False)

    async def scenario():
        host = {
            "address": f"redis://127.0.0.1:{port}/0",
            "socket_timeout": None,
            "socket_connect_timeout": 0.3,
        }
        layer = RedisPubSubChannelLayer(hosts=[host], prefix="hubtest")
        hub, watcher = SocketHub(layer), Recorder()
        await hub.join("account-1", watcher)
        redis_down()
        await wait_until(lambda: hub.paused, seconds=10)
        redis_up()
        await wait_until(lambda: not hub.paused, seconds=15)
        await layer.group_send(
            "account-1",
            {"type": "baton.event", "group": "account-1", "text": '{"type":"handoff_created"}'},
        )
        await wait_until(lambda: len(watcher.texts) == 3, seconds=5)
        await hub.leave("account-1", watcher)
        await layer.flush()
        return watcher.texts

    redis_up()
    try:
        for _ in range(50):
            if (
                subprocess.run(
                    ["redis-cli", "-p", str(port), "ping"], capture_output=True
                ).returncode
                == 0
            ):
                break
            time.sleep(0.1)
        heard = asyncio.run(scenario())
    finally:
        redis_down()
    assert heard == [socket_hub.LIVE_PAUSED, socket_hub.LIVE_RESUMED, '{"type":"handoff_created"}']
