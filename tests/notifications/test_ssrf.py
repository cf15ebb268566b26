"""Integrations reach public internet hosts only: when a URL is saved, and again at
every connect (on the address that was checked); remote answers come back short.

The test settings allow private hosts (the fakes listen on 127.0.0.1); every test
here that is about the refusal turns that off again. DNS answers and the wire are
the only things replaced, where a test needs a name to resolve somewhere it chooses.
"""

import datetime
import ipaddress
import socket
import ssl

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.urls import reverse

from notifications.models import Delivery, DeliveryStatus, Integration, IntegrationKind
from notifications.services import delivery_send, integration_send_test
from notifications.transports import http
from notifications.transports.addresses import is_public
from notifications.transports.http import TransportError
from tests.fakes.http_fakes import FakeHTTPServer, Reply
from tests.notifications.conftest import escalate, make_integration

REAL_GETADDRINFO = socket.getaddrinfo
PRIVATE_WEBHOOKS = (
    "https://127.0.0.1:6379/hook",
    "https://169.254.169.254/latest/meta-data/",
    "https://localhost:5432/x",
    "https://[::1]/x",
    "https://[::ffff:127.0.0.1]/x",
    "https://[::ffff:a9fe:a9fe]/latest/meta-data/",
    "https://2130706433/x",  # 127.0.0.1 as one number
    "https://127.1/x",
    "https://0.0.0.0/x",
    "https://10.1.2.3/x",
    "https://192.168.0.10/x",
    "https://224.0.0.1/x",
)


@pytest.fixture
def guarded(settings):
    settings.BATON_ALLOW_PRIVATE_INTEGRATION_HOSTS = False
    return settings


def fake_dns(monkeypatch, answers: dict[str, list[str]]) -> list[str]:
    """Names in `answers` resolve to the next list of addresses on each lookup (the
    last list repeats); other names resolve as usual. Returns the names looked up."""
    looked_up = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:
            return REAL_GETADDRINFO(host, port, *args, **kwargs)
        looked_up.append(host)
        queue = answers[host]
        addresses = queue.pop(0) if len(queue) > 1 else queue[0]
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in addresses
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return looked_up


def save(client, slot, data):
    return client.post(reverse("notifications:integration_save", args=[slot]), data)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "192.0.2.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fec0::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "::10.0.0.1",  # IPv4-compatible
    ],
)
def test_private_local_and_special_addresses_are_not_public(address):
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "93.184.216.34", "2606:4700:4700::1111"])
def test_internet_addresses_are_public(address):
    assert is_public(ipaddress.ip_address(address))


def test_webhooks_to_private_or_local_hosts_are_not_saved(client_for, admin, guarded):
    client = client_for(admin)
    for url in PRIVATE_WEBHOOKS:
        response = save(client, "slack", {"slack-webhook_url": url})
        assert response.status_code == 400, url
        assert "private or local network" in response.content.decode(), url
    assert not Integration.objects.exists()


def test_a_name_that_resolves_to_a_private_address_is_not_saved(
    client_for, admin, guarded, monkeypatch
):
    fake_dns(monkeypatch, {"psa.example.com": [["93.184.216.34", "10.0.0.7"]]})
    response = save(
        client_for(admin),
        "psa",
        {
            "psa-kind": "halopsa",
            "psa-base_url": "https://psa.example.com",
            "psa-client_id": "cid",
            "psa-secret": "halo-secret",
        },
    )
    assert response.status_code == 400
    assert "private or local network" in response.content.decode()
    assert not Integration.objects.exists()


def test_a_public_host_is_saved_and_an_unknown_one_is_named(
    client_for, admin, acme, guarded, monkeypatch
):
    fake_dns(monkeypatch, {"hooks.slack.com": [["52.1.2.3"]]})
    client = client_for(admin)
    response = save(client, "slack", {"slack-webhook_url": "https://nowhere.invalid/hook"})
    assert response.status_code == 400
    assert "could not find the host nowhere.invalid" in response.content.decode()
    good = "https://hooks.slack.com/services/T0/B0/abc"
    assert save(client, "slack", {"slack-webhook_url": good}).status_code == 302
    assert Integration.objects.get(account=acme).secrets["webhook_url"] == good


def test_send_test_does_not_connect_to_a_private_address_saved_earlier(
    client_for, admin, acme, fake_http, guarded
):
    """A row saved before the check (or written another way) is caught at connect."""
    make_integration(acme, IntegrationKind.SLACK, fake_http)
    fake_http.route("/slack", Reply(200, "redis says hello"))
    response = client_for(admin).post(
        reverse("notifications:integration_test", args=["slack"]), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "private or local network" in html and "redis says hello" not in html
    assert fake_http.requests == []


def test_a_delivery_to_a_private_address_fails_and_disables_the_integration(
    alice, acme, fake_http, guarded
):
    make_integration(acme, IntegrationKind.CONNECTWISE, fake_http)
    escalate(alice)
    delivery = Delivery.objects.get(channel="psa")
    delivery_send(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert "private or local network" in delivery.last_error
    assert not Integration.objects.get().enabled
    assert fake_http.requests == []


def test_connect_goes_to_the_address_that_was_checked(fake_http, guarded, monkeypatch):
    """DNS rebinding: the first answer is public, every later one is 127.0.0.1 where
    the fake listens. The one lookup is checked and connected to; a second lookup
    at connect time would have reached the fake."""
    looked_up = fake_dns(monkeypatch, {"rebind.example": [["93.184.216.34"], ["127.0.0.1"]]})
    dialled = []
    real_create_connection = socket.create_connection

    def create_connection(address, *args, **kwargs):
        dialled.append(address[0])
        if address[0] != "127.0.0.1":  # the test machine has no route out
            raise ConnectionRefusedError("no route in tests")
        return real_create_connection(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", create_connection)
    port = fake_http.base_url.rsplit(":", 1)[1]
    with pytest.raises(TransportError, match="Could not connect"):
        http.request("POST", f"http://rebind.example:{port}/slack", json={})
    assert looked_up == ["rebind.example"] and dialled == ["93.184.216.34"]
    assert fake_http.requests == []


def test_the_host_name_still_goes_in_the_host_header(fake_http, monkeypatch):
    """Only the TCP connect uses the checked address; the request (and TLS, which
    httpcore verifies against the same origin host) still names the host."""
    fake_dns(monkeypatch, {"hooks.example": [["127.0.0.1"]]})
    port = fake_http.base_url.rsplit(":", 1)[1]
    http.request("POST", f"http://hooks.example:{port}/slack", json={})
    assert fake_http.requests[0].headers["host"] == f"hooks.example:{port}"


def certificate_for(name: str, tmp_path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A self-signed certificate for `name`: (server context, client context trusting it)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    (tmp_path / "cert.pem").write_bytes(cert_pem)
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    return server, ssl.create_default_context(cadata=cert_pem.decode())


def test_tls_is_verified_against_the_host_name_not_the_address(monkeypatch, tmp_path):
    """The certificate names hooks.example and no IP address: the handshake succeeds
    only if TLS (SNI and the name check) still uses the name after the connect went
    to the checked address."""
    server_tls, client_tls = certificate_for("hooks.example", tmp_path)
    monkeypatch.setattr(http, "tls_context", lambda: client_tls)
    fake_dns(monkeypatch, {"hooks.example": [["127.0.0.1"]], "other.example": [["127.0.0.1"]]})
    with FakeHTTPServer(tls=server_tls) as server:
        port = server.base_url.rsplit(":", 1)[1]
        response = http.request("POST", f"https://hooks.example:{port}/slack", json={})
        assert response.status_code == 200 and len(server.requests) == 1
        with pytest.raises(TransportError):  # same address, a name the certificate lacks
            http.request("POST", f"https://other.example:{port}/slack", json={})
        assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("kind", "url"),
    [
        ("connectwise", "https://api-na.myconnectwise.net/x?"),
        ("connectwise", "https://api-na.myconnectwise.net/other/api"),
        ("connectwise", "https://api-na.myconnectwise.net#"),
        ("halopsa", "https://acme.halopsa.com/api/tickets?"),
        ("halopsa", "https://acme.halopsa.com/%2e%2e/admin"),
        ("autotask", "https://webservices5.autotask.net/ATServicesRest/V1.0/Companies?"),
        ("autotask", "https://webservices5.autotask.net"),
    ],
)
def test_a_psa_url_cannot_smuggle_a_path_or_query(client_for, admin, kind, url):
    response = save(
        client_for(admin),
        "psa",
        {
            "psa-kind": kind,
            "psa-base_url": url,
            "psa-company_id": "acme",
            "psa-public_key": "pub",
            "psa-client_id": "cid",
            "psa-username": "api@acme",
            "psa-integration_code": "CODE",
            "psa-secret": "s3cret",
        },
    )
    assert response.status_code == 400, url
    assert "Enter only the server&#x27;s address" in response.content.decode(), url
    assert not Integration.objects.exists()


def test_a_psa_url_with_a_query_saved_earlier_is_not_used(admin, acme, fake_http):
    make_integration(acme, IntegrationKind.HALOPSA, fake_http, url=fake_http.url("/steal?x="))
    ok, message = integration_send_test(actor=admin, slot="psa")
    assert not ok and "contains ? or #" in message
    assert fake_http.requests == []


def test_remote_error_bodies_are_shown_short_and_escaped(client_for, admin, acme, fake_http):
    make_integration(acme, IntegrationKind.SLACK, fake_http)
    body = "\x1b[2J<script>alert(1)</script> " + "internal-config-line " * 100
    fake_http.route("/slack", Reply(500, body))
    response = client_for(admin).post(
        reverse("notifications:integration_test", args=["slack"]), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<script>" not in html and "\x1b" not in html and "\\x1b" in html
    assert html.count("internal-config-line") < 6
