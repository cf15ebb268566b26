"""One channel-layer subscription per process and group, shared by that process' sockets.

Channels' usual pattern gives every socket its own channel and joins each channel to
its groups, so one event to an account with 500 watchers on a daphne process became
500 queue hand-offs, 500 receive tasks and 500 dispatches, all run before the first
frame left (bench/ figure 2: first socket 41 ms after commit, median 49 ms). Here each
process has one channel per event loop (the hub's), joined to every group that has a
socket in this process. An event arrives once and the hub writes it to the group's
local sockets in a plain loop, letting the server flush as it goes (first socket
4.5 ms, median 22 ms).

Membership stays in the channel layer (Redis in production), so any process can
publish to any group and every daphne process that holds a member hears it; the hub
only keeps which of *this* process' open sockets belong to which group, which is
per-process by nature, as the sockets are. (Baton's Redis pub/sub layer keeps group
memberships until they are discarded; the core Redis layer would expire the hub's
after its group_expiry, a day by default, as it expired each socket's before.)

The hub also checks its own subscription with an echo through the layer and tells
its sockets when live updates pause (Redis away) and resume (the page catches up).
"""

import asyncio
import itertools
import json
import logging
import weakref
from typing import Protocol

from channels.layers import get_channel_layer

from troubleshoot.live.events import MESSAGE_TYPE

logger = logging.getLogger(__name__)

# Sockets written per turn of the event loop before letting the server flush them:
# Twisted sends buffered frames only when the loop turns, so without a yield the
# first watcher would wait for the last one's frame to be built.
FLUSH_EVERY = 25
# After the layer failed to deliver (Redis down): wait before asking again.
RETRY_SECONDS = 1.0
# The hub checks its own subscription by sending itself an echo through the layer:
# while Redis is away every event published meanwhile is lost, and the sockets to
# daphne stay open, so without this the pages would never know to catch up.
HEARTBEAT_SECONDS = 10.0
HEARTBEAT_TIMEOUT = 3.0
# What the sockets are told (the page shows "paused", then re-fetches every partial).
LIVE_PAUSED = json.dumps({"type": "live_paused"}, separators=(",", ":"))
LIVE_RESUMED = json.dumps({"type": "live_resumed"}, separators=(",", ":"))


class Listener(Protocol):
    async def forward(self, text: str) -> None: ...


class SocketHub:
    """The groups of one event loop's sockets, and the one channel that hears them."""

    def __init__(self, layer):
        self.layer = layer
        # Weak: a socket whose application ended without leaving (daphne cancels one
        # that outlives its close timeout) drops out instead of being kept forever.
        self.members: dict[str, weakref.WeakSet[Listener]] = {}
        self.channel_name: str | None = None
        self.paused = False  # the last echo did not come back
        self._reader: asyncio.Task | None = None
        self._heartbeat: asyncio.Task | None = None
        self._echo: tuple[int, asyncio.Future] | None = None
        self._echo_numbers = itertools.count(1)
        self._lock = asyncio.Lock()

    async def join(self, group: str, listener: Listener) -> None:
        """Add a socket to a group; the first one in this process subscribes the hub.
        Raises what the layer raises (Redis down): the caller refuses the socket."""
        async with self._lock:
            if self.channel_name is None:
                self.channel_name = await self.layer.new_channel()
                loop = asyncio.get_running_loop()
                self._reader = loop.create_task(self._read())
                self._heartbeat = loop.create_task(self._beat())
            members = self.members.get(group)
            if members is None:
                try:
                    await self.layer.group_add(group, self.channel_name)
                except Exception:
                    if not self.members:  # nothing to read for: no idle reader left behind
                        self._stop_reader()
                    raise
                members = self.members[group] = weakref.WeakSet()
            members.add(listener)

    async def leave(self, group: str, listener: Listener) -> None:
        """Remove a socket; the last one of a group unsubscribes it, the last of all
        stops the reader (so a loop that ends, like a test's, leaves nothing running)."""
        async with self._lock:
            members = self.members.get(group)
            if members is None or listener not in members:
                return
            members.discard(listener)
            if members:
                return
            del self.members[group]
            try:
                await self.layer.group_discard(group, self.channel_name)
            except Exception:  # Redis down: the subscription dies with the connection
                logger.warning("could not leave %s", group, exc_info=True)
            if not self.members:
                self._stop_reader()

    def _stop_reader(self) -> None:
        # Cancelling the layer's receive also drops the hub's channel (channels_redis
        # unsubscribes it), so the next join starts with a new one.
        for task in (self._reader, self._heartbeat):
            if task is not None:
                task.cancel()
        self._reader = self._heartbeat = None
        self.channel_name = None
        self.paused = False

    async def _read(self) -> None:
        channel = self.channel_name
        while True:
            try:
                message = await self.layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # the layer reconnects by itself; don't spin meanwhile
                logger.warning("socket hub could not receive", exc_info=True)
                await asyncio.sleep(RETRY_SECONDS)
                continue
            try:
                if "echo" in message:
                    self._echo_came_back(message["echo"])
                else:
                    await self.fan_out(message.get("group"), message.get("text"))
            except Exception:  # a malformed message must not stop every socket's events
                logger.exception("socket hub could not fan out %r", message)

    def _echo_came_back(self, number) -> None:
        if self._echo is not None and self._echo[0] == number and not self._echo[1].done():
            self._echo[1].set_result(True)

    async def _beat(self) -> None:
        """Every HEARTBEAT_SECONDS, send an echo to the hub's own channel and wait for
        it. Lost: tell the sockets live updates are paused. Back after that: tell them
        to catch up (their pages re-fetch every live partial, as after a reconnect)."""
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            healthy = await self._echo_round_trip()
            if healthy == (not self.paused):
                continue
            self.paused = not healthy
            if self.paused:
                logger.warning("socket hub: the channel layer stopped answering")
            else:
                logger.warning("socket hub: the channel layer is back; pages catch up")
            await self.tell_everyone(LIVE_PAUSED if self.paused else LIVE_RESUMED)

    async def _echo_round_trip(self) -> bool:
        number = next(self._echo_numbers)
        self._echo = (number, asyncio.get_running_loop().create_future())
        try:
            async with asyncio.timeout(HEARTBEAT_TIMEOUT):
                await self.layer.send(self.channel_name, {"type": MESSAGE_TYPE, "echo": number})
                await self._echo[1]
            return True
        except asyncio.CancelledError:
            raise
        except Exception:  # the timeout, or the layer refusing the send (Redis down)
            return False
        finally:
            self._echo = None

    async def tell_everyone(self, text: str) -> int:
        """Write one message once to every socket of this hub, whatever its groups."""
        return await self._write(list(set().union(*self.members.values())), text)

    async def fan_out(self, group: str | None, text: str | None) -> int:
        """Write one event to this process' sockets in `group`; return how many."""
        members = self.members.get(group)
        if not members or text is None:
            return 0
        return await self._write(list(members), text)  # a copy: sockets may leave meanwhile

    async def _write(self, listeners: list[Listener], text: str) -> int:
        sent = 0
        for position, listener in enumerate(listeners, 1):
            try:
                await listener.forward(text)
                sent += 1
            except Exception:  # one broken socket must not cost the others the event
                logger.warning("could not forward an event to a socket", exc_info=True)
            if position % FLUSH_EVERY == 0:
                await asyncio.sleep(0)
        return sent


# One hub per event loop: daphne runs one, tests start one per scenario, and the
# layers' queues belong to the loop that made them.
_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, SocketHub]" = (
    weakref.WeakKeyDictionary()
)


def hub_for_running_loop() -> SocketHub:
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        hub = _hubs[loop] = SocketHub(get_channel_layer())
    return hub
