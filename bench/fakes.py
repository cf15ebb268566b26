"""The outside world on 127.0.0.1: Anthropic, SMTP, Slack and the PSA, each able to
answer at once or only after a delay (the "slow fakes" run of figure 1)."""

import asyncio
import contextlib
import multiprocessing

from aiosmtpd.controller import Controller

from tests.fakes.anthropic_server import FakeAnthropic
from tests.fakes.http_fakes import FakeHTTPServer, Reply
from tests.fakes.smtp_fake import FakeSMTPServer, _Handler

PSA_TICKET = "4711"
PSA_NOTE_PATH = f"/v4_6_release/apis/3.0/service/tickets/{PSA_TICKET}/notes"
ASSESSMENT = (
    '{"likely_cause": "A corrupt OST file", "next_steps": ["Rebuild the OST"], "risk": "low"}'
)


class _SlowHandler(_Handler):
    async def handle_DATA(self, server, session, envelope):
        if self.fake.delay:
            await asyncio.sleep(self.fake.delay)
        self.fake.accepted += 1
        return await super().handle_DATA(server, session, envelope)


class SlowSMTPServer(FakeSMTPServer):
    """FakeSMTPServer that can take `delay` seconds to accept each message. It keeps
    counts, not messages: the bench sends thousands."""

    def __init__(self):
        super().__init__()
        self.delay = 0.0
        self.accepted = 0
        self._controller = Controller(_SlowHandler(self), hostname="127.0.0.1", port=self.port)


class Fakes:
    def __init__(self):
        self.anthropic = FakeAnthropic(reply_text=ASSESSMENT)
        self.http = FakeHTTPServer(Reply(200, "ok"))
        self.smtp = SlowSMTPServer()

    def start(self) -> "Fakes":
        self.anthropic.start()
        self.http.start()
        self.smtp.start()
        self.set_delay(0.0)
        return self

    def set_delay(self, seconds: float) -> None:
        self.anthropic.set(delay=seconds)
        self.http.route("/slack", Reply(200, "ok", delay=seconds))
        self.http.route(PSA_NOTE_PATH, Reply(201, {"id": 1}, delay=seconds))
        self.smtp.delay = seconds

    def set_smtp_delay(self, seconds: float) -> None:
        """Only the mail server slow (figure 7); the HTTP fakes as they were."""
        self.smtp.delay = seconds

    def forget(self) -> None:
        """Drop what the fakes recorded (memory stays flat over the run)."""
        self.anthropic.requests.clear()
        self.http.requests.clear()
        self.smtp.messages.clear()
        self.smtp.envelopes.clear()

    def env(self) -> dict:
        return {
            "ANTHROPIC_API_KEY": "bench-key",
            "ANTHROPIC_BASE_URL": self.anthropic.base_url,
            "BATON_AI_MAX_RETRIES": "0",
            "EMAIL_URL": f"smtp://127.0.0.1:{self.smtp.port}?timeout=30",
            "BATON_HTTP_TIMEOUT": "30",
        }

    def stop(self) -> None:
        for fake in (self.anthropic, self.http, self.smtp):
            with contextlib.suppress(Exception):  # stopping must go on
                fake.stop()


class _Address:
    def __init__(self, base_url: str):
        self.base_url = base_url

    def url(self, path: str = "/") -> str:
        return self.base_url + path


def _serve(conn) -> None:
    """The child's loop: start the fakes, answer commands until told to stop."""
    fakes = Fakes().start()
    try:
        while True:
            command, *args = conn.recv()
            if command == "info":
                conn.send({"env": fakes.env(), "http": fakes.http.base_url})
            elif command == "set_delay":
                fakes.set_delay(*args)
                conn.send(None)
            elif command == "set_smtp_delay":
                fakes.set_smtp_delay(*args)
                conn.send(None)
            elif command == "smtp_count":
                conn.send(fakes.smtp.accepted)
            elif command == "forget":
                fakes.forget()
                conn.send(None)
            elif command == "stop":
                break
    except EOFError:  # the bench died: stop with it
        pass
    finally:
        fakes.stop()
        conn.close()


class FakesProcess:
    """The same fakes, served from a child process of their own.

    In the bench's process they shared the GIL with the HTTP client that times the
    escalate requests: while the worker's sends kept the fake servers busy, the
    client's clock ran on, and figure 1 counted the fakes' work as request latency.
    """

    def __init__(self):
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child,), daemon=True)
        self._info: dict = {}
        self.http: _Address | None = None

    def _call(self, *command):
        self._conn.send(command)
        return self._conn.recv()

    def start(self) -> "FakesProcess":
        self._process.start()
        self._info = self._call("info")
        self.http = _Address(self._info["http"])
        return self

    def set_delay(self, seconds: float) -> None:
        self._call("set_delay", seconds)

    def set_smtp_delay(self, seconds: float) -> None:
        self._call("set_smtp_delay", seconds)

    def smtp_count(self) -> int:
        """Messages the SMTP fake accepted since it started."""
        return self._call("smtp_count")

    def forget(self) -> None:
        self._call("forget")

    def env(self) -> dict:
        return dict(self._info["env"])

    def stop(self) -> None:
        if self._process.pid is None:  # never started
            return
        with contextlib.suppress(Exception):
            self._conn.send(("stop",))
        self._process.join(10)
        if self._process.is_alive():
            self._process.terminate()
