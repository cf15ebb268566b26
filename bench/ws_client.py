"""A websocket client process: `python -m bench.ws_client`, driven by bench/ws.py.

It holds a share of the watching sockets, so that receiving and parsing hundreds of
frames does not run in the bench process that drives the escalations. No Django here.

Every text frame is stamped with time.time() when its bytes reach this process
(`data_received`, before websockets assembles the message and before any task
switch) and kept raw; frames are parsed only when the bench asks. Commands come as
one JSON line each on stdin and each gets one JSON line on stdout:

  {"cmd": "connect", "url", "origin", "batch", "logins": [[index, account, cookie], …]}
  {"cmd": "count", "type": t}    -> {"n": frames of that type since the last clear}
  {"cmd": "events", "type": t}   -> {"events": [[index, account, event, wall time], …]}
  {"cmd": "clear"} | {"cmd": "close"} (close also ends the process)

End of stdin (the bench went away) closes the sockets and ends the process too.
"""

import asyncio
import json
import sys
import time

from websockets.asyncio.client import ClientConnection, connect
from websockets.frames import Frame, Opcode

# (connection, wall clock at arrival, raw text) for every frame after the hello.
RAW: list[tuple] = []


class TappedConnection(ClientConnection):
    """Records text frames as they arrive instead of queueing them for recv()."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.arrived = 0.0
        self.hello: asyncio.Future = self.loop.create_future()

    def data_received(self, data: bytes) -> None:
        self.arrived = time.time()
        super().data_received(data)

    def process_event(self, event) -> None:
        if isinstance(event, Frame) and event.opcode is Opcode.TEXT:
            if self.hello.done():
                RAW.append((self, self.arrived, event.data))
            else:
                self.hello.set_result(bytes(event.data))
            return
        super().process_event(event)


class Client:
    def __init__(self):
        self.sockets: dict[TappedConnection, tuple[int, int]] = {}  # -> (index, account)
        self.parsed: list[tuple] = []  # RAW[: len(parsed)], decoded

    async def _open(self, url: str, origin: str, index: int, account: int, cookie: str):
        ws = await connect(
            url,
            additional_headers={"Cookie": cookie},
            origin=origin,
            create_connection=TappedConnection,
            ping_interval=None,  # idle means idle: the server must cope without pings
            open_timeout=30,
        )
        hello = json.loads(await asyncio.wait_for(ws.hello, 30))
        assert hello["type"] == "hello", hello
        self.sockets[ws] = (index, account)

    async def connect(self, cmd: dict) -> dict:
        logins, batch = cmd["logins"], cmd["batch"]
        for offset in range(0, len(logins), batch):
            await asyncio.gather(
                *(
                    self._open(cmd["url"], cmd["origin"], *login)
                    for login in logins[offset : offset + batch]
                )
            )
        return {"connected": len(self.sockets)}

    def _parse(self) -> None:
        for ws, wall, data in RAW[len(self.parsed) :]:
            index, account = self.sockets.get(ws, (-1, -1))
            self.parsed.append((index, account, json.loads(data), wall))

    def count(self, event_type: str) -> int:
        self._parse()
        return sum(1 for r in self.parsed if r[2].get("type") == event_type)

    def events(self, event_type: str) -> list[tuple]:
        self._parse()
        return [r for r in self.parsed if r[2].get("type") == event_type]

    def clear(self) -> None:
        RAW.clear()
        self.parsed.clear()

    async def close(self) -> None:
        await asyncio.gather(*(ws.close() for ws in self.sockets), return_exceptions=True)
        self.sockets.clear()


async def serve() -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=2**26)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    client = Client()

    def reply(answer: dict) -> None:
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()

    try:
        while line := await reader.readline():
            cmd = json.loads(line)
            try:
                name = cmd["cmd"]
                if name == "connect":
                    reply(await client.connect(cmd))
                elif name == "count":
                    reply({"n": client.count(cmd["type"])})
                elif name == "events":
                    reply({"events": client.events(cmd["type"])})
                elif name == "clear":
                    client.clear()
                    reply({"ok": True})
                elif name == "close":
                    await client.close()
                    reply({"ok": True, "cpu_seconds": time.process_time()})
                    return
                else:
                    reply({"error": f"unknown command {name!r}"})
            except Exception as exc:  # noqa: BLE001 - reported to the bench, which raises
                reply({"error": f"{type(exc).__name__}: {exc}"})
    finally:
        await client.close()


if __name__ == "__main__":
    asyncio.run(serve())
