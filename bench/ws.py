"""Many websocket clients, each socket logged in with its own session cookie, held by
separate client processes (bench/ws_client.py) rather than by the bench process.

The bench process drives the escalations; the client processes (BENCH_WS_PROCESSES,
default 2) stamp every frame with time.time() on arrival. Both sides use the wall
clock of this one machine, so a commit stamped here and an arrival stamped there are
comparable. An event is (socket index, account id, event dict, wall clock at arrival).
"""

import contextlib
import json
import os
import select
import subprocess
import sys
import time

from django.db import connections

from bench.data import cookie_header
from bench.procs import LOGS, ROOT

PROCESSES = int(os.environ.get("BENCH_WS_PROCESSES", "2"))


class Watchers:
    """ports: one daphne, or several (client process n connects to ports[n % len])."""

    def __init__(self, port: int, processes: int = PROCESSES, *, ports: list[int] | None = None):
        self.ports = ports or [port]
        self.sockets = 0
        self.cpu_seconds = 0.0  # CPU the client processes used, known after close()
        self.children: list[subprocess.Popen] = []
        LOGS.mkdir(exist_ok=True)
        try:
            for n in range(processes):
                self.children.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "bench.ws_client"],
                        cwd=ROOT,
                        stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE,
                        stderr=(LOGS / f"ws-client-{n}.log").open("w"),
                        start_new_session=True,
                    )
                )
        except BaseException:
            self._kill()
            raise

    def _ask(self, commands: list[dict], timeout: float) -> list[dict]:
        """Send one command to each child (all at once), then collect the answers."""
        for child, command in zip(self.children, commands, strict=True):
            child.stdin.write((json.dumps(command) + "\n").encode())
            child.stdin.flush()
        deadline = time.monotonic() + timeout
        answers = []
        for child in self.children:
            ready, _, _ = select.select([child.stdout], [], [], deadline - time.monotonic())
            line = child.stdout.readline() if ready else b""
            if not line:
                raise RuntimeError(f"websocket client {child.pid} did not answer; see {LOGS}")
            answer = json.loads(line)
            if "error" in answer:
                raise RuntimeError(f"websocket client {child.pid}: {answer['error']}")
            answers.append(answer)
        return answers

    def _ask_all(self, command: dict, timeout: float = 30) -> list[dict]:
        return self._ask([command] * len(self.children), timeout)

    def connect(self, logins: list[tuple[int, str]], batch: int = 50) -> None:
        """Open one socket per (account id, session key); returns when all said hello.
        Sockets are dealt round robin, so every account is spread over the processes."""
        shares: list[list] = [[] for _ in self.children]
        for i, (account_id, key) in enumerate(logins):
            shares[i % len(shares)].append([self.sockets + i, account_id, cookie_header(key)])
        per_child = max(1, batch // len(self.children))
        commands = []
        for n, share in enumerate(shares):
            port = self.ports[n % len(self.ports)]
            commands.append(
                {
                    "cmd": "connect",
                    "url": f"ws://127.0.0.1:{port}/ws/events/",
                    "origin": f"http://127.0.0.1:{port}",
                    "batch": per_child,
                    "logins": share,
                }
            )
        self._ask(commands, timeout=300)
        self.sockets += len(logins)

    def count(self, event_type: str) -> int:
        return sum(a["n"] for a in self._ask_all({"cmd": "count", "type": event_type}))

    def events(self, event_type: str) -> list[tuple]:
        answers = self._ask_all({"cmd": "events", "type": event_type}, timeout=60)
        return [tuple(r) for a in answers for r in a["events"]]

    def wait_for(self, event_type: str, count: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.count(event_type) >= count:
                return True
            time.sleep(0.02)
        return False

    def clear(self) -> None:
        self._ask_all({"cmd": "clear"})

    def _kill(self) -> None:
        for child in self.children:
            if child.poll() is None:
                child.kill()
            child.wait(timeout=10)
            for stream in (child.stdin, child.stdout):
                with contextlib.suppress(OSError):  # a pipe to a killed child
                    stream.close()

    def close(self) -> None:
        """Close every socket and end every client process, also if one misbehaves."""
        try:
            answers = self._ask_all({"cmd": "close"}, timeout=60)
            self.cpu_seconds = round(sum(a.get("cpu_seconds", 0) for a in answers), 2)
            for child in self.children:
                child.wait(timeout=10)
        finally:
            self._kill()


def escalate_timed(junior, session_id: int, **fields) -> tuple[int, float]:
    """Escalate through the service; return the handoff id and the instant of COMMIT
    as time.time(), the clock the client processes stamp arrivals with.

    The connection's commit() is wrapped for this call only, so the clock stops when
    PostgreSQL confirmed the commit and before the after-commit publishing runs.
    """
    from handoffs.services import handoff_create

    conn = connections["default"]
    original = conn.commit
    stamp: list[float] = []

    def commit():
        original()
        stamp.append(time.time())

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
