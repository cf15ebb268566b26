"""Many websocket clients in the bench process: one asyncio loop on a thread, each
socket logged in with its own session cookie, every event stamped on arrival."""

import asyncio
import json
import threading
import time

from django.db import connections
from websockets.asyncio.client import connect

from bench.data import cookie_header


class Watchers:
    def __init__(self, port: int):
        self.url = f"ws://127.0.0.1:{port}/ws/events/"
        self.origin = f"http://127.0.0.1:{port}"
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.sockets: list = []  # (index, account_id, websocket)
        # (socket index, account id, event, perf_counter at arrival, wall clock)
        self.received: list[tuple] = []
        self._tasks: list = []

    def _run(self, coro, timeout: float = 300):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    async def _open(self, index: int, account_id: int, session_key: str):
        ws = await connect(
            self.url,
            additional_headers={"Cookie": cookie_header(session_key)},
            origin=self.origin,
            max_queue=None,
            ping_interval=None,  # idle means idle: the server must cope without pings
            open_timeout=30,
        )
        hello = json.loads(await ws.recv())
        assert hello["type"] == "hello", hello
        self.sockets.append((index, account_id, ws))
        self._tasks.append(asyncio.ensure_future(self._listen(index, account_id, ws)))

    async def _listen(self, index: int, account_id: int, ws):
        try:
            async for frame in ws:
                now, wall = time.perf_counter(), time.time()
                self.received.append((index, account_id, json.loads(frame), now, wall))
        except Exception:  # noqa: BLE001 - a closed socket just stops listening
            return

    async def _open_many(self, logins: list[tuple[int, str]], batch: int):
        start = len(self.sockets)
        for offset in range(0, len(logins), batch):
            await asyncio.gather(
                *(
                    self._open(start + offset + i, account_id, key)
                    for i, (account_id, key) in enumerate(logins[offset : offset + batch])
                )
            )

    def connect(self, logins: list[tuple[int, str]], batch: int = 50) -> None:
        """Open one socket per (account id, session key); returns when all said hello."""
        self._run(self._open_many(logins, batch))

    def events(self, event_type: str) -> list[tuple]:
        return [r for r in list(self.received) if r[2].get("type") == event_type]

    def wait_for(self, event_type: str, count: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.events(event_type)) >= count:
                return True
            time.sleep(0.01)
        return False

    def clear(self) -> None:
        self.received.clear()

    async def _close_all(self):
        await asyncio.gather(*(ws.close() for _, _, ws in self.sockets), return_exceptions=True)
        for task in self._tasks:
            task.cancel()

    def close(self) -> None:
        try:
            self._run(self._close_all(), timeout=60)
        finally:
            self.sockets.clear()
            self._tasks.clear()
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=10)


def escalate_timed(junior, session_id: int, **fields) -> tuple[int, float]:
    """Escalate through the service; return the handoff id and the instant of COMMIT.

    The connection's commit() is wrapped for this call only, so the clock stops when
    PostgreSQL confirmed the commit and before the after-commit publishing runs.
    """
    from handoffs.services import handoff_create

    conn = connections["default"]
    original = conn.commit
    stamp: list[float] = []

    def commit():
        original()
        stamp.append(time.perf_counter())

    conn.commit = commit
    try:
        handoff = handoff_create(
            actor=junior,
            session_id=session_id,
            intent="escalate",
            priority=fields.get("priority", "high"),
            engineer_notes=fields.get("engineer_notes", "Suspect the OST; profile rebuilt."),
        )
    finally:
        del conn.commit
    return handoff.pk, stamp[-1]
