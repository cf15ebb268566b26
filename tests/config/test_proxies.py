"""X-Forwarded-Proto counts only when the direct peer is a configured proxy."""

import pytest
from django.test import Client

PROXY = "10.1.2.3"


@pytest.fixture
def behind_a_tls_proxy(settings):
    """Production's HTTPS settings, with one proxy network trusted."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.BATON_TRUSTED_PROXIES = ["10.0.0.0/8", "2001:db8::1"]


# The login page it lands on lists allauth's sign-in providers, a database read.
@pytest.mark.django_db
@pytest.mark.parametrize("peer", [PROXY, "2001:db8::1"])
def test_the_scheme_a_trusted_proxy_forwards_is_believed(behind_a_tls_proxy, peer):
    response = Client(REMOTE_ADDR=peer).get("/login/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200


@pytest.mark.parametrize("peer", ["203.0.113.7", "127.0.0.1", "2001:db8::2"])
def test_a_client_claiming_https_itself_is_redirected_to_https(behind_a_tls_proxy, peer):
    response = Client(REMOTE_ADDR=peer).get("/login/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/login/"


def test_a_proxy_on_the_unix_socket_is_trusted_only_when_listed(behind_a_tls_proxy, settings):
    from config.proxies import is_trusted_proxy

    assert not is_trusted_proxy(None)
    settings.BATON_TRUSTED_PROXIES = ["unix"]
    assert is_trusted_proxy(None)
    assert not is_trusted_proxy("10.1.2.3")


def test_no_forwarded_header_survives_from_an_untrusted_peer(settings, rf):
    from config.proxies import trusted_proxy_middleware

    settings.BATON_TRUSTED_PROXIES = []
    seen = {}
    request = rf.get(
        "/",
        REMOTE_ADDR="203.0.113.7",
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_X_FORWARDED_HOST="evil.example",
        HTTP_FORWARDED="proto=https",
    )
    trusted_proxy_middleware(lambda r: seen.update(r.META))(request)
    assert not [key for key in seen if "FORWARDED" in key]
