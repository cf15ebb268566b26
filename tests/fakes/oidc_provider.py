"""A local OpenID Connect provider standing in for Microsoft Entra ID.

    with FakeOIDCProvider(tenant="tenant-1") as idp:
        idp.user = {"sub": "abc", "email": "sam@acme.test", "name": "Sam"}
        idp.server_url          # .../tenant-1/v2.0, as BATON_MICROSOFT_SERVER_URL
        location = idp.authorize(url_baton_redirected_to)   # consent: ?code=..&state=..
        idp.requests            # [(method, path)] received, in order

It serves the discovery document, the signing keys (JWKS), an authorize endpoint that
consents at once and redirects back with a code, a token endpoint that checks the
client's secret, the code, the redirect URI and the PKCE verifier and answers an
RS256-signed ID token, and a userinfo endpoint. Runs on 127.0.0.1, port 0.
"""

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

KID = "fake-key-1"


def _b64url_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class FakeOIDCProvider:
    def __init__(self, *, tenant: str = "tenant-1", client_id="baton-client", secret="s3cret"):
        self.tenant, self.client_id, self.secret = tenant, client_id, secret
        self.user = {"sub": "ms-user-1", "email": "someone@example.test", "name": "Some One"}
        self.issuer_override: str | None = None  # an ID token from another tenant
        self.requests: list[tuple[str, str]] = []
        self._codes: dict[str, dict] = {}
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def server_url(self) -> str:
        return f"{self.base_url}/{self.tenant}/v2.0"

    @property
    def issuer(self) -> str:
        return self.server_url

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.server_url}/authorize",
            "token_endpoint": f"{self.server_url}/token",
            "userinfo_endpoint": f"{self.server_url}/userinfo",
            "jwks_uri": f"{self.server_url}/keys",
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
            "response_types_supported": ["code"],
            "id_token_signing_alg_values_supported": ["RS256"],
        }

    def jwks(self) -> dict:
        numbers = self._key.public_key().public_numbers()
        return {
            "keys": [
                {
                    "kty": "RSA",
                    "use": "sig",
                    "alg": "RS256",
                    "kid": KID,
                    "n": _b64url_uint(numbers.n),
                    "e": _b64url_uint(numbers.e),
                }
            ]
        }

    def authorize(self, url: str) -> str:
        """Play the person consenting: fetch the authorize URL Baton redirected to and
        answer where the provider sends the browser back (Baton's callback URL)."""
        response = httpx.get(url, follow_redirects=False, timeout=5)
        assert response.status_code == 302, response.text
        return response.headers["location"]

    def id_token(self, *, nonce: str | None) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer_override or self.issuer,
            "aud": self.client_id,
            "iat": now,
            "nbf": now,
            "exp": now + 3600,
            "tid": self.tenant,
            **self.user,
        }
        if nonce:
            claims["nonce"] = nonce
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": KID})

    # lifecycle -------------------------------------------------------------
    def start(self) -> "FakeOIDCProvider":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "FakeOIDCProvider":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # serving -----------------------------------------------------------------
    def _handler_class(self):
        idp = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):  # noqa: N802
                parsed = urlparse(self.path)
                idp.requests.append(("GET", parsed.path))
                prefix = f"/{idp.tenant}/v2.0"
                if parsed.path == f"{prefix}/.well-known/openid-configuration":
                    return self._json(200, idp.discovery())
                if parsed.path == f"{prefix}/keys":
                    return self._json(200, idp.jwks())
                if parsed.path == f"{prefix}/authorize":
                    return self._authorize(parse_qs(parsed.query))
                if parsed.path == f"{prefix}/userinfo":
                    if not self.headers.get("Authorization", "").startswith("Bearer at-"):
                        return self._json(401, {"error": "invalid_token"})
                    return self._json(200, idp.user)
                return self._json(404, {"error": "not_found"})

            def _authorize(self, query):
                one = {k: v[0] for k, v in query.items()}
                if one.get("client_id") != idp.client_id or one.get("response_type") != "code":
                    return self._json(400, {"error": "invalid_request"})
                code = secrets.token_urlsafe(16)
                with idp._lock:
                    idp._codes[code] = one
                back = f"{one['redirect_uri']}?{urlencode({'code': code, 'state': one['state']})}"
                self.send_response(302)
                self.send_header("Location", back)
                self.end_headers()

            def do_POST(self):  # noqa: N802
                parsed = urlparse(self.path)
                idp.requests.append(("POST", parsed.path))
                if parsed.path != f"/{idp.tenant}/v2.0/token":
                    return self._json(404, {"error": "not_found"})
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                with idp._lock:
                    grant = idp._codes.pop(form.get("code", ""), None)  # single use
                if (
                    grant is None
                    or form.get("client_id") != idp.client_id
                    or form.get("client_secret") != idp.secret
                    or form.get("redirect_uri") != grant["redirect_uri"]
                ):
                    return self._json(400, {"error": "invalid_grant"})
                verifier = form.get("code_verifier", "")
                challenge = (
                    base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
                    .rstrip(b"=")
                    .decode()
                )
                if grant.get("code_challenge") and challenge != grant["code_challenge"]:
                    return self._json(400, {"error": "invalid_grant", "pkce": "mismatch"})
                return self._json(
                    200,
                    {
                        "access_token": f"at-{secrets.token_urlsafe(8)}",
                        "token_type": "Bearer",
                        "expires_in": 3600,
                        "id_token": idp.id_token(nonce=grant.get("nonce")),
                    },
                )

        return Handler
