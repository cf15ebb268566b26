"""Sign in with Microsoft (OpenID Connect) against a local fake provider
(tests/fakes/oidc_provider.py): discovery, PKCE, the token exchange, the ID token."""

import os
import subprocess
import sys
from urllib.parse import urlparse

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.conftest import login
from tests.fakes.oidc_provider import FakeOIDCProvider
from troubleshoot.models import Role, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def idp(settings):
    with FakeOIDCProvider(tenant="contoso-tenant") as fake:
        settings.SOCIALACCOUNT_PROVIDERS = {
            "openid_connect": {
                "OAUTH_PKCE_ENABLED": True,
                "APPS": [
                    {
                        "provider_id": "microsoft",
                        "name": "Microsoft",
                        "client_id": fake.client_id,
                        "secret": fake.secret,
                        "settings": {"server_url": fake.server_url},
                    }
                ],
            }
        }
        yield fake


def sign_in_with_microsoft(client, idp):
    start = client.post(reverse("openid_connect_login", kwargs={"provider_id": "microsoft"}))
    assert start.status_code == 302
    assert start["Location"].startswith(f"{idp.server_url}/authorize?")
    back = urlparse(idp.authorize(start["Location"]))
    return client.get(f"{back.path}?{back.query}")


def test_login_page_offers_microsoft_only_when_configured(client, idp, settings):
    assert "Sign in with Microsoft" in client.get(reverse("login")).content.decode()
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}
    assert "Sign in with Microsoft" not in client.get(reverse("login")).content.decode()


def test_an_invited_person_signs_in_and_lands_in_the_account_that_added_them(client, idp, alice):
    idp.user = {"sub": "ms-alice", "email": alice.email.upper(), "name": "Alice J"}
    response = sign_in_with_microsoft(client, idp)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == alice.pk
    assert client.get(reverse("members")).status_code == 200
    assert SocialAccount.objects.get(user=alice).uid == "ms-alice"
    # PKCE and the back-channel exchange both happened.
    assert ("POST", "/contoso-tenant/v2.0/token") in idp.requests
    # Next time the Microsoft identity alone finds her, whatever the email claim says.
    client.post(reverse("logout"))
    idp.user = {"sub": "ms-alice", "email": "renamed@elsewhere.test", "name": "Alice J"}
    sign_in_with_microsoft(client, idp)
    assert int(client.session["_auth_user_id"]) == alice.pk


def test_a_stranger_is_told_to_ask_for_an_invitation(client, idp, acme):
    idp.user = {"sub": "ms-x", "email": "stranger@acme.test", "name": "Stranger"}
    response = sign_in_with_microsoft(client, idp)
    assert response.status_code == 200
    assert "Ask your admin for an invitation" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(email="stranger@acme.test").exists()


def test_an_owner_can_let_their_domain_join_as_viewers_after_confirming_the_address(
    client, idp, owner
):
    response = login(Client(), owner).post(
        reverse("account_signin_settings"), {"mfa_policy": "off", "sso_join_domain": "Acme.test"}
    )
    assert response.status_code == 302
    idp.user = {"sub": "ms-new", "email": "newbie@acme.test", "name": "New Bie"}
    response = sign_in_with_microsoft(client, idp)
    newbie = User.objects.get(email="newbie@acme.test")
    assert (newbie.account_id, newbie.role, newbie.display_name) == (
        owner.account_id,
        Role.VIEWER,
        "New Bie",
    )
    # Entra does not vouch for the email claim: the address is confirmed by email first.
    assert "_auth_user_id" not in client.session
    assert not EmailAddress.objects.get(user=newbie).verified
    assert mail.outbox[-1].to == ["newbie@acme.test"]


def test_another_domain_does_not_join(client, idp, owner):
    owner.account.sso_join_domain = "acme.test"
    owner.account.save()
    idp.user = {"sub": "ms-evil", "email": "mallory@evil.test", "name": "Mallory"}
    sign_in_with_microsoft(client, idp)
    assert not User.objects.filter(email="mallory@evil.test").exists()


def test_an_id_token_from_another_tenant_is_refused(client, idp, alice):
    idp.user = {"sub": "ms-alice", "email": alice.email, "name": "Alice"}
    idp.issuer_override = "https://login.microsoftonline.com/other-tenant/v2.0"
    response = sign_in_with_microsoft(client, idp)
    assert "_auth_user_id" not in client.session
    assert response.status_code == 401
    assert "error" in response.content.decode().lower()


def test_microsoft_sign_in_still_asks_for_the_second_factor(client, idp, alice):
    Authenticator.objects.create(user=alice, type="totp", data={"secret": "x"})
    idp.user = {"sub": "ms-alice", "email": alice.email, "name": "Alice"}
    response = sign_in_with_microsoft(client, idp)
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_the_provider_comes_from_env_vars():
    code = (
        "from django.conf import settings;"
        "app = settings.SOCIALACCOUNT_PROVIDERS['openid_connect']['APPS'][0];"
        "print(app['client_id'], app['settings']['server_url'])"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "BATON_MICROSOFT_CLIENT_ID": "cid",
        "BATON_MICROSOFT_CLIENT_SECRET": "sec",
        "BATON_MICROSOFT_TENANT": "11111111-2222-3333-4444-555555555555",
    }
    env.pop("BATON_MICROSOFT_SERVER_URL", None)
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup();" + code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == [
        "cid",
        "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0",
    ]
