"""Request-body limits in daphne (config/body_limit.py), against a real `config.serve`.

The server runs with a 1 MiB general limit so the tests send little; the tree import
keeps its own (larger) limit. A refused body must be answered while the client is still
sending, i.e. before daphne has read it.
"""

import socket
import time

import httpx
import pytest

from config.body_limit import body_limit_for
from tests.troubleshoot.test_serve import Server, _env

LIMIT = 1024 * 1024
IMPORT_PATH = "/trees/import/"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("body-limit")
    server = Server(
        tmp / "serve.log",
        _env(SQLITE_PATH=str(tmp / "db.sqlite3"), BATON_MAX_REQUEST_BYTES=str(LIMIT)),
    )
    try:
        server.wait_until_serving()
        yield server
    finally:
        server.kill()


def _raw_post(server, path: str, headers: str) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    sock.sendall(
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: application/octet-stream\r\n{headers}\r\n".encode()
    )
    return sock


def _status_line(sock: socket.socket) -> bytes:
    sock.settimeout(5)
    try:
        data = sock.recv(4096)
    except TimeoutError:
        pytest.fail("no answer within 5 s: the server is still waiting for the body")
    return data.split(b"\r\n", 1)[0]


def _rss_mib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    raise AssertionError("no VmRSS")


def test_an_oversized_content_length_gets_413_before_any_body_is_sent(server):
    sock = _raw_post(server, "/login/", f"Content-Length: {200 * 1024 * 1024}\r\n")
    try:
        started = time.monotonic()
        assert _status_line(sock) == b"HTTP/1.1 413 Content Too Large"
        assert time.monotonic() - started < 2
    finally:
        sock.close()
    assert "413: refused a request body (Content-Length 209715200" in server.text()


def test_a_chunked_body_is_cut_off_once_it_passes_the_limit(server):
    sock = _raw_post(server, "/login/", "Transfer-Encoding: chunked\r\n")
    chunk = b"x" * (64 * 1024)
    try:
        # Just past the limit, and no closing chunk: only a cut-off can answer now.
        for _ in range(LIMIT // len(chunk) + 1):
            sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        assert _status_line(sock) == b"HTTP/1.1 413 Content Too Large"
    finally:
        sock.close()


def test_a_client_that_sends_everything_before_reading_still_sees_the_413(server):
    """httpx writes the whole body first; the server drops it unread, then answers."""
    response = httpx.post(f"{server.url}/login/", content=b"x" * (3 * LIMIT), timeout=10)
    assert response.status_code == 413
    assert f"at most {LIMIT} bytes" in response.text


def test_a_200_mb_post_does_not_grow_the_server(server):
    before = _rss_mib(server.proc.pid)

    def body():
        block = b"a" * (1024 * 1024)
        for _ in range(200):
            yield block

    response = httpx.post(
        f"{server.url}/login/",
        content=body(),
        headers={"Content-Length": str(200 * 1024 * 1024)},
        timeout=30,
    )
    assert response.status_code == 413
    time.sleep(0.5)
    assert _rss_mib(server.proc.pid) - before < 20


def test_a_body_under_the_limit_reaches_django(server):
    response = httpx.post(f"{server.url}/login/", content=b"x" * (LIMIT // 2), timeout=10)
    assert response.status_code == 403  # Django's CSRF check, so the body got through


def test_the_tree_import_has_its_own_larger_limit(server):
    import_limit = body_limit_for(IMPORT_PATH.encode())
    assert import_limit > LIMIT
    allowed = httpx.post(f"{server.url}{IMPORT_PATH}", content=b"x" * (2 * LIMIT), timeout=10)
    assert allowed.status_code == 403  # past the size check: Django's CSRF answers
    refused = httpx.post(
        f"{server.url}{IMPORT_PATH}", content=b"x" * (import_limit + 1), timeout=10
    )
    assert refused.status_code == 413


@pytest.mark.parametrize(
    "raw_path",
    [b"/trees/import/", b"/trees/import/?next=/", b"/trees/%69mport/", b"http://h/trees/import/"],
)
def test_the_import_limit_applies_to_every_spelling_of_its_path(settings, raw_path):
    settings.BATON_MAX_REQUEST_BYTES = 1000
    assert body_limit_for(raw_path) > 1000
    assert body_limit_for(b"/login/") == 1000
    assert body_limit_for(b"/baton" + raw_path.removeprefix(b"http://h"), "/baton") > 1000
