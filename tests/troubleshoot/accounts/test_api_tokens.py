"""Personal access tokens: shown once, stored hashed, act as their person (account and
current role), expire, are revoked by their person or an admin, and are rate limited."""

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from troubleshoot.accounts import services as account_services
from troubleshoot.accounts import tokens
from troubleshoot.models import ApiToken, Role

pytestmark = pytest.mark.django_db


def bearer(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_a_token_is_stored_only_as_its_digest(alice):
    token, raw = tokens.token_create(actor=alice, name="PSA sync")
    assert raw.startswith("baton_") and len(raw) > 40
    row = ApiToken.objects.values().get(pk=token.pk)
    assert raw not in [str(v) for v in row.values()]
    assert row["digest"] == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.startswith(row["prefix"]) and len(row["prefix"]) < 16


def test_a_token_acts_as_its_person(alice):
    _, raw = tokens.token_create(actor=alice, name="script")
    me = bearer(raw).get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["id"] == alice.pk
    assert me.json()["role"] == "engineer"
    assert me.json()["account"]["id"] == alice.account_id
    assert me.json()["token"]["name"] == "script"


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer baton_unknown", "Bearer two words", "Token abc", "Bearer ünï"],
)
def test_no_or_a_bad_token_is_401_with_a_challenge(header):
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["detail"]


def test_revoked_expired_and_removed_persons_tokens_stop_working(alice, owner, sam):
    _, revoked = tokens.token_create(actor=alice, name="a")
    token, expiring = tokens.token_create(
        actor=alice, name="b", expires_at=timezone.now() + timedelta(days=1)
    )
    _, sams = tokens.token_create(actor=sam, name="c")
    tokens.token_revoke(actor=alice, token_id=ApiToken.objects.get(name="a").pk)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    account_services.member_remove(actor=owner, member=sam)
    for raw in (revoked, expiring, sams):
        assert bearer(raw).get("/api/v1/me/").status_code == 401


def test_the_token_follows_its_persons_current_role(owner, alice):
    _, raw = tokens.token_create(actor=alice, name="a")
    account_services.member_change_role(actor=owner, member=alice, role=Role.VIEWER)
    assert bearer(raw).get("/api/v1/me/").json()["role"] == "viewer"


def test_staff_without_an_account_cannot_create_a_token(db):
    from tests.factories import make_user

    operator = make_user(None, is_staff=True)
    with pytest.raises(Exception, match="account"):
        tokens.token_create(actor=operator, name="x")


def test_name_and_expiry_are_checked(alice):
    with pytest.raises(ValidationError):
        tokens.token_create(actor=alice, name="   ")
    with pytest.raises(ValidationError):
        tokens.token_create(actor=alice, name="x" * 81)
    with pytest.raises(ValidationError):
        tokens.token_create(
            actor=alice, name="past", expires_at=timezone.now() - timedelta(minutes=1)
        )


def test_a_person_revokes_their_own_an_admin_any_of_the_account(alice, sam, admin, charlie):
    alices, _ = tokens.token_create(actor=alice, name="a")
    with pytest.raises(Http404):
        tokens.token_revoke(actor=sam, token_id=alices.pk)
    with pytest.raises(Http404):
        tokens.token_revoke(actor=charlie, token_id=alices.pk)
    revoked = tokens.token_revoke(actor=admin, token_id=alices.pk)
    assert revoked.revoked_at is not None and revoked.revoked_by == admin


def test_last_use_is_recorded_at_most_once_a_minute(alice, django_assert_num_queries):
    token, raw = tokens.token_create(actor=alice, name="a")
    tokens.user_for_token(raw)
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    with django_assert_num_queries(1):  # the lookup only, no UPDATE
        tokens.user_for_token(raw)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first


@override_settings(BATON_API_RATE="3/min")
def test_each_token_has_its_own_rate_limit_answered_with_429_and_retry_after(alice):
    _, first = tokens.token_create(actor=alice, name="a")
    _, second = tokens.token_create(actor=alice, name="b")
    client = bearer(first)
    assert [client.get("/api/v1/me/").status_code for _ in range(3)] == [200, 200, 200]
    limited = client.get("/api/v1/me/")
    assert limited.status_code == 429
    assert 0 < int(limited["Retry-After"]) <= 60
    assert "throttled" in limited.json()["detail"].lower()
    assert bearer(second).get("/api/v1/me/").status_code == 200


# --- the profile page -----------------------------------------------------------------


def test_profile_page_shows_a_new_token_once(client_for, alice):
    client = client_for(alice)
    created = client.post(reverse("token_create"), {"name": "queue dashboard"})
    assert created.status_code == 200
    raw = created.context["new_token_value"]
    assert raw.encode() in created.content
    assert created["Cache-Control"] == "no-store"
    page = client.get(reverse("api_tokens"))
    assert b"queue dashboard" in page.content
    assert raw.encode() not in page.content
    assert raw[:12].encode() in page.content  # the prefix, to recognise it
    assert bearer(raw).get("/api/v1/me/").status_code == 200


def test_profile_page_expiry_and_errors(client_for, alice):
    client = client_for(alice)
    client.post(reverse("token_create"), {"name": "short", "expires_in_days": "7"})
    token = ApiToken.objects.get(name="short")
    assert timedelta(days=6) < token.expires_at - timezone.now() <= timedelta(days=7)
    bad = client.post(reverse("token_create"), {"name": ""})
    assert bad.status_code == 400
    assert bad.context["form"].errors["name"]


def test_only_admins_see_and_revoke_the_accounts_tokens_on_the_page(client_for, alice, sam, admin):
    sams, _ = tokens.token_create(actor=sam, name="sams script")
    page = client_for(alice).get(reverse("api_tokens"))
    assert page.context["account_tokens"] is None
    assert b"sams script" not in page.content
    assert client_for(alice).post(reverse("token_revoke", args=[sams.pk])).status_code == 404
    admin_page = client_for(admin).get(reverse("api_tokens"))
    assert b"sams script" in admin_page.content
    revoked = client_for(admin).post(reverse("token_revoke", args=[sams.pk]))
    assert revoked.status_code == 302
    assert ApiToken.objects.get(pk=sams.pk).revoked_by == admin


def test_another_accounts_admin_gets_404(client_for, alice, globex):
    from tests.factories import make_user

    alices, _ = tokens.token_create(actor=alice, name="a")
    other_admin = make_user(globex, Role.ADMIN)
    response = client_for(other_admin).post(reverse("token_revoke", args=[alices.pk]))
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=alices.pk).revoked_at is None


def test_a_person_has_at_most_fifty_live_tokens(alice):
    for n in range(tokens.MAX_ACTIVE_TOKENS):
        tokens.token_create(actor=alice, name=f"t{n}")
    with pytest.raises(ValidationError, match="Revoke one"):
        tokens.token_create(actor=alice, name="one more")
    tokens.token_revoke(actor=alice, token_id=ApiToken.objects.first().pk)
    tokens.token_create(actor=alice, name="one more")
