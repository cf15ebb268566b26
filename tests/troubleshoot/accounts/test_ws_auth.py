"""The websocket's session-to-user middleware (troubleshoot/accounts/ws_auth.py)."""

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.sessions.models import Session as DjangoSession

from tests.conftest import login
from troubleshoot.accounts.ws_auth import SessionUserStack

pytestmark = pytest.mark.django_db(transaction=True)


class Recorder:
    """An ASGI app that accepts, then records who it was given and its send."""

    def __init__(self):
        self.user = None
        self.send = None

    async def __call__(self, scope, receive, send):
        self.user, self.send = scope["user"], send
        await receive()  # websocket.connect
        await send({"type": "websocket.accept"})
        await receive()  # until the test disconnects


def _connect(app, cookie: str | None):
    async def scenario():
        headers = (
            [(b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode())] if cookie else []
        )
        ws = WebsocketCommunicator(SessionUserStack(app), "/ws/events/", headers=headers)
        connected, _ = await ws.connect()
        await ws.disconnect()
        return connected

    return async_to_sync(scenario)()


def _login(client, user) -> str:
    return login(client, user).cookies[settings.SESSION_COOKIE_NAME].value


def test_the_session_cookie_names_the_user(client, alice):
    app = Recorder()
    assert _connect(app, _login(client, alice))
    assert app.user == alice and app.user.is_authenticated


@pytest.mark.parametrize("cookie", [None, "no-such-session-key"])
def test_no_or_unknown_session_is_anonymous(cookie):
    app = Recorder()
    _connect(app, cookie)
    assert not app.user.is_authenticated


def test_a_password_changed_since_login_is_anonymous_and_the_session_is_left_alone(client, alice):
    cookie = _login(client, alice)
    alice.set_password("a-brand-new-password-2026")
    alice.save()
    app = Recorder()
    _connect(app, cookie)
    assert not app.user.is_authenticated
    # A socket cannot send a cookie back: the next page load deals with the session.
    assert DjangoSession.objects.filter(session_key=cookie).exists()


def test_a_session_signed_with_a_retired_secret_key_still_counts_unchanged(client, alice, settings):
    cookie = _login(client, alice)
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-secret-key-for-the-rotation-test-0123456789"
    settings.SECRET_KEY_FALLBACKS = [old_key]
    app = Recorder()
    _connect(app, cookie)
    assert app.user == alice
    assert DjangoSession.objects.filter(session_key=cookie).exists()  # not cycled
    settings.SECRET_KEY_FALLBACKS = []
    _connect(app, cookie)
    assert not app.user.is_authenticated


def test_a_backend_no_longer_configured_is_anonymous(client, alice, settings):
    cookie = _login(client, alice)
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
    app = Recorder()
    _connect(app, cookie)
    assert not app.user.is_authenticated


def test_send_reaches_the_app_unwrapped():
    """Why this middleware exists: no per-message session check on the fan-out path
    (Channels' AuthMiddlewareStack hands the app a wrapper instead)."""
    app = Recorder()
    incoming = [{"type": "websocket.connect"}, {"type": "websocket.disconnect", "code": 1000}]

    async def receive():
        return incoming.pop(0)

    async def server_send(message):
        pass

    scope = {"type": "websocket", "path": "/ws/events/", "headers": []}
    async_to_sync(SessionUserStack(app))(scope, receive, server_send)
    assert app.send is server_send
