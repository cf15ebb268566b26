"""A local HTTP server speaking enough of Anthropic's Messages API for the real SDK.

    with FakeAnthropic(reply_text="Check the DNS.") as fake:
        settings.ANTHROPIC_BASE_URL = fake.base_url   # the SDK appends /v1/messages
        ...
        fake.requests  # [{"path", "headers", "json"}] received, in order

Configurable per server (reply_text, status, retry_after, delay) or per request with
a script: fake.script([FakeReply(status=429, retry_after=0.05), FakeReply(text="ok")])
answers the first request with 429, the next with 200; once the script runs out, the
server-wide settings answer. Runs on 127.0.0.1, port 0, in a daemon thread.
"""

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class FakeReply:
    text: str = "Fake assistant reply."
    status: int = 200
    retry_after: float | None = None  # sent as retry-after-ms (precise) and retry-after
    delay: float = 0.0  # seconds to wait before answering (timeouts)


class FakeAnthropic:
    def __init__(
        self,
        reply_text: str = "Fake assistant reply.",
        status: int = 200,
        retry_after: float | None = None,
        delay: float = 0.0,
    ):
        self.default = FakeReply(reply_text, status, retry_after, delay)
        self.requests: list[dict] = []
        self._script: list[FakeReply] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # configuration -------------------------------------------------------
    def script(self, replies: list[FakeReply]) -> None:
        with self._lock:
            self._script = list(replies)

    def set(self, **changes) -> None:
        """Change the server-wide answer, e.g. fake.set(status=500)."""
        with self._lock:
            for key, value in changes.items():
                setattr(self.default, "text" if key == "reply_text" else key, value)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # lifecycle -------------------------------------------------------------
    def start(self) -> "FakeAnthropic":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "FakeAnthropic":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # serving -----------------------------------------------------------------
    def _next_reply(self) -> FakeReply:
        with self._lock:
            return self._script.pop(0) if self._script else FakeReply(**vars(self.default))

    def _handler_class(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_POST(self):
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw or b"{}")
                except json.JSONDecodeError:
                    body = None
                with fake._lock:
                    fake.requests.append(
                        {
                            "path": self.path,
                            "headers": {k.lower(): v for k, v in self.headers.items()},
                            "json": body,
                        }
                    )
                reply = fake._next_reply()
                if reply.delay:
                    time.sleep(reply.delay)
                if not self.path.startswith("/v1/messages"):
                    return self._send(
                        404,
                        {
                            "type": "error",
                            "error": {"type": "not_found_error", "message": "unknown path"},
                        },
                    )
                if reply.status != 200:
                    kinds = {
                        429: "rate_limit_error",
                        529: "overloaded_error",
                        401: "authentication_error",
                    }
                    payload = {
                        "type": "error",
                        "error": {
                            "type": kinds.get(reply.status, "api_error"),
                            "message": f"fake {reply.status}",
                        },
                    }
                    headers = {}
                    if reply.retry_after is not None:
                        headers["retry-after-ms"] = str(int(reply.retry_after * 1000))
                        headers["retry-after"] = str(max(int(reply.retry_after), 0))
                    return self._send(reply.status, payload, headers)
                model = (body or {}).get("model", "claude-fake")
                return self._send(
                    200,
                    {
                        "id": f"msg_fake_{len(fake.requests)}",
                        "type": "message",
                        "role": "assistant",
                        "model": model,
                        "content": [{"type": "text", "text": reply.text}],
                        "stop_reason": "end_turn",
                        "stop_sequence": None,
                        "usage": {"input_tokens": 10, "output_tokens": 10},
                    },
                )

            def _send(self, status: int, payload: dict, headers: dict | None = None):
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    for key, value in (headers or {}).items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test): nothing to answer

        return Handler
