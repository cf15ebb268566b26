"""`python -m config.serve`: daphne on uvloop, as `make run` and docker-compose start it.

Real processes: the launcher serving HTTP, then (with PostgreSQL and Redis) a logged-in
websocket hearing an event published from this process, and a clean stop on SIGTERM.
"""

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import websockets
from django.conf import settings

from tests.conftest import database_url_for_subprocess, login, requires_postgres, requires_redis
from tests.fakes.smtp_fake import free_port
from troubleshoot.live.events import account_group, publish_now

ROOT = Path(__file__).resolve().parents[2]


class Server:
    """`python -m config.serve` in its own process group, logging to a file."""

    def __init__(self, log: Path, env: dict):
        self.port = free_port()
        self.log = log
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "config.serve", "-b", "127.0.0.1", "-p", str(self.port)]
            + ["config.asgi:application"],
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.url = f"http://127.0.0.1:{self.port}"

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_until_serving(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"the server exited ({self.proc.returncode}):\n{self.text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        pytest.fail(f"the server did not listen within {timeout} s:\n{self.text()}")

    def terminate(self, signum: int = signal.SIGTERM, timeout: float = 15) -> int:
        os.killpg(self.proc.pid, signum)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            pytest.fail(f"the server ignored signal {signum} for {timeout} s:\n{self.text()}")

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def _env(**overrides) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    env.update(overrides)
    return env


@pytest.mark.parametrize("stop_with", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
def test_serves_on_uvloop_and_stops_on_a_signal(tmp_path, stop_with):
    """Embedded mode (SQLite, in-memory layer): the plain `make run` shape; docker stops
    it with SIGTERM, a terminal with ^C (SIGINT)."""
    env = _env(SQLITE_PATH=str(tmp_path / "serve.sqlite3"))
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    server = Server(tmp_path / "serve.log", env)
    try:
        server.wait_until_serving()
        assert "daphne on uvloop" in server.text()
        health = httpx.get(f"{server.url}/healthz", timeout=10)
        assert health.status_code == 200, health.text
        assert server.terminate(stop_with) == 0
    finally:
        server.kill()


@requires_postgres
@requires_redis
@pytest.mark.django_db(transaction=True)
def test_a_logged_in_socket_hears_an_account_event_through_redis(tmp_path, client, alice):
    """Production mode: the session cookie names the user, the hub joins the account's
    group on Redis, and an event published from another process reaches the socket."""
    login(client, alice)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    server = Server(
        tmp_path / "serve.log",
        _env(DATABASE_URL=database_url_for_subprocess(), REDIS_URL=os.environ["REDIS_URL"]),
    )

    async def listen() -> list[dict]:
        async with websockets.connect(
            f"ws://127.0.0.1:{server.port}/ws/events/",
            origin=server.url,
            additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"},
        ) as ws:
            hello = json.loads(await asyncio.wait_for(ws.recv(), 10))
            await asyncio.to_thread(
                publish_now, account_group(alice.account_id), {"type": "handoff_created"}
            )
            event = json.loads(await asyncio.wait_for(ws.recv(), 10))
            return [hello, event]

    try:
        server.wait_until_serving()
        hello, event = asyncio.run(listen())
        assert hello["type"] == "hello" and hello["groups"] == 2  # own user + account
        assert event == {"type": "handoff_created"}
        assert server.terminate() == 0
    finally:
        server.kill()
