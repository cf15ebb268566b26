"""Two-factor sign-in: TOTP enrolment and login with a code or a recovery code, the
owner's "require MFA" setting, re-authentication for sensitive actions, and the
websocket's login while a second factor is pending."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.conftest import BACKEND, login
from tests.factories import PASSWORD
from troubleshoot.accounts.ws_auth import SessionUserStack
from troubleshoot.models import MfaPolicy, Role

pytestmark = pytest.mark.django_db
# The websocket's login reads the session from another thread: those tests commit.
sockets_commit = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


def totp_code(secret: str, *, offset: int = 0) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


def password_login(client, user):
    return client.post(reverse("login"), {"login": user.email, "password": PASSWORD})


def enrol_totp(client) -> str:
    """Add an authenticator app through the pages; answer its secret."""
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    assert secret in page.content.decode()  # shown for typing in, beside the QR code
    assert "<svg" in page.content.decode() or "data:image" in page.content.decode()
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    return secret


class Recorder:
    def __init__(self):
        self.user = None

    async def __call__(self, scope, receive, send):
        self.user = scope["user"]
        await receive()
        await send({"type": "websocket.accept"})
        await receive()


def socket_user(client):
    app = Recorder()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value

    async def scenario():
        headers = [(b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode())]
        ws = WebsocketCommunicator(SessionUserStack(app), "/ws/events/", headers=headers)
        await ws.connect()
        await ws.disconnect()

    async_to_sync(scenario)()
    return app.user


@sockets_commit
def test_enrol_totp_then_log_in_with_a_code(alice):
    client = Client()
    assert password_login(client, alice).status_code == 302
    secret = enrol_totp(client)
    assert Authenticator.objects.filter(user=alice, type="totp").exists()
    assert Authenticator.objects.filter(user=alice, type="recovery_codes").exists()
    client.post(reverse("logout"))

    response = password_login(client, alice)
    assert response["Location"] == reverse("mfa_authenticate")
    # Half logged in: neither pages nor the websocket see a user yet.
    assert "_auth_user_id" not in client.session
    assert not socket_user(client).is_authenticated
    assert client.get(reverse("members")).status_code == 302

    assert client.post(reverse("mfa_authenticate"), {"code": "000000"}).status_code == 200
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret, offset=1)})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == alice.pk
    assert socket_user(client) == alice


def test_a_recovery_code_logs_in_once(alice):
    client = Client()
    password_login(client, alice)
    enrol_totp(client)
    codes = Authenticator.objects.get(user=alice, type="recovery_codes").wrap().get_unused_codes()
    client.post(reverse("logout"))

    password_login(client, alice)
    assert client.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 302
    client.post(reverse("logout"))
    password_login(client, alice)
    assert client.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 200
    assert "_auth_user_id" not in client.session


def test_five_wrong_codes_lock_the_second_step_even_for_the_right_code(alice):
    client = Client()
    password_login(client, alice)
    secret = enrol_totp(client)
    client.post(reverse("logout"))
    password_login(client, alice)
    for _ in range(5):
        body = client.post(reverse("mfa_authenticate"), {"code": "000000"}).content.decode()
        assert "Incorrect code" in body
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret, offset=1)})
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def _set_policy(owner, policy):
    return login(Client(), owner).post(reverse("account_signin_settings"), {"mfa_policy": policy})


@sockets_commit
def test_owner_requires_mfa_for_everyone_and_people_without_it_enrol_first(owner, alice):
    assert _set_policy(owner, MfaPolicy.EVERYONE).status_code == 302
    client = Client()
    password_login(client, alice)
    # Every page leads to the enrolment until a second factor is added...
    response = client.get(reverse("members"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    htmx = client.get(reverse("members"), HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"] == reverse("mfa_activate_totp")
    # ...and the websocket does not count them as logged in.
    assert not socket_user(client).is_authenticated
    enrol_totp(client)
    assert client.get(reverse("members")).status_code == 200
    assert socket_user(client) == alice


def test_admins_only_policy_leaves_engineers_alone(owner, admin, alice):
    _set_policy(owner, MfaPolicy.ADMINS)
    assert login(Client(), alice).get(reverse("members")).status_code == 200
    assert login(Client(), admin).get(reverse("members")).status_code == 302


def test_only_an_owner_sets_the_mfa_policy(owner, admin):
    response = login(Client(), admin).post(
        reverse("account_signin_settings"), {"mfa_policy": MfaPolicy.EVERYONE}
    )
    assert response.status_code == 403
    owner.account.refresh_from_db()
    assert owner.account.mfa_policy == MfaPolicy.OFF
    assert _set_policy(owner, "sometimes").status_code == 400


def test_a_role_change_asks_for_the_password_again_after_a_while(owner, alice):
    client = Client()
    password_login(client, owner)
    session = client.session
    for record in session["account_authentication_methods"]:
        record["at"] -= settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 1
    session.save()

    url = reverse("member_role", args=[alice.pk])
    response = client.post(url, {"role": Role.ADMIN})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    alice.refresh_from_db()
    assert alice.role == Role.ENGINEER
    # The password again: the suspended change goes through.
    response = client.post(response["Location"], {"password": PASSWORD})
    alice.refresh_from_db()
    assert alice.role == Role.ADMIN


def test_integration_changes_ask_for_the_password_again(admin):
    client = Client()
    client.force_login(admin, backend=BACKEND)  # no record of a recent login
    response = client.post(
        reverse("notifications:integration_save", args=["slack"]),
        {"url": "https://hooks.slack.test/x"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_security_keys_and_passkeys_are_offered(client, alice):
    # The WebAuthn ceremony itself needs an authenticator (a browser or a key); here
    # the pages that start it: adding a key, and passkey login on the login page.
    assert "Sign in with a passkey" in client.get(reverse("login")).content.decode()
    page = login(Client(), alice).get(reverse("mfa_add_webauthn"))
    assert page.status_code == 200
    assert "publicKey" in page.content.decode() or "credential" in page.content.decode()
