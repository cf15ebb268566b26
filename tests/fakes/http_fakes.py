"""A real HTTP server on 127.0.0.1 for integration tests and the bench.

It answers with scripted status codes, bodies, headers (Retry-After) and delays,
and records every request, so tests exercise the real client, real sockets and real
timeouts instead of a patched function.

    with FakeHTTPServer() as server:
        server.queue("/hook", Reply(429, "slow down", headers={"Retry-After": "7"}))
        server.route("/hook", Reply(200, "ok"))        # every later request
        post_to(server.url("/hook"))
        assert server.requests[0].json == {...}
"""

import json
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Reply:
    status: int = 200
    body: object = "ok"  # str, bytes, or anything JSON-serialisable
    headers: dict = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (slow servers, timeouts)

    def encoded(self) -> tuple[bytes, str]:
        if isinstance(self.body, bytes):
            return self.body, "application/octet-stream"
        if isinstance(self.body, str):
            return self.body.encode(), "text/plain; charset=utf-8"
        return json.dumps(self.body).encode(), "application/json"


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict
    headers: dict
    body: bytes

    @property
    def json(self):
        return json.loads(self.body or b"null")

    @property
    def form(self) -> dict:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        fake = self.server.fake
        fake._record(
            RecordedRequest(
                method=self.command,
                path=parts.path,
                query={k: v[0] for k, v in parse_qs(parts.query).items()},
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
            )
        )
        reply = fake._reply_for(parts.path)
        if reply.delay:
            time.sleep(reply.delay)
        payload, content_type = reply.encoded()
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test): nothing to answer

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

    def log_message(self, format, *args):  # keep test output quiet
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a handler sleeping for a timeout test must not block stop()
    fake: "ThreadedFakeServer"


class ThreadedFakeServer:
    """A local HTTP server on its own thread, answered by `handler_class` (whose
    handlers reach this object as self.server.fake): start/stop, a context manager,
    base_url. tls: a server-side ssl.SSLContext, to answer https:// instead."""

    handler_class: type[BaseHTTPRequestHandler]
    tls = None
    _server: _Server | None = None

    def start(self):
        self._server = _Server(("127.0.0.1", 0), self.handler_class)
        self._server.fake = self
        if self.tls:
            self._server.socket = self.tls.wrap_socket(self._server.socket, server_side=True)
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{'https' if self.tls else 'http'}://{host}:{port}"


class FakeHTTPServer(ThreadedFakeServer):
    handler_class = _Handler

    def __init__(self, default: Reply | None = None, *, tls=None):
        """tls: a server-side ssl.SSLContext, to answer https:// instead of http://."""
        self.default = default or Reply(200, "ok")
        self.tls = tls
        self.requests: list[RecordedRequest] = []
        self._queues: dict[str, deque] = defaultdict(deque)
        self._routes: dict[str, Reply] = {}
        self._lock = threading.Lock()

    # scripting -----------------------------------------------------------
    def queue(self, path: str, *replies: Reply) -> "FakeHTTPServer":
        """One-off replies for `path`, used in order before its route/default."""
        with self._lock:
            self._queues[path].extend(replies)
        return self

    def route(self, path: str, reply: Reply) -> "FakeHTTPServer":
        """The reply for `path` once its queue is empty."""
        with self._lock:
            self._routes[path] = reply
        return self

    def requests_to(self, path: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    # used by the handler -------------------------------------------------
    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _reply_for(self, path: str) -> Reply:
        with self._lock:
            if self._queues[path]:
                return self._queues[path].popleft()
            return self._routes.get(path, self.default)
