"""Sign-in through django-allauth: sign-up with email verification, login answers,
throttling, password reset, a changed email, existing sessions."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from tests.conftest import BACKEND
from tests.factories import PASSWORD, make_account, make_user
from troubleshoot.models import Account, Role, User

pytestmark = pytest.mark.django_db

SIGNUP = {
    "account_name": "Harbor Tech",
    "display_name": "Hana Harbor",
    "email": "Hana@Harbor.example",
    "password1": "a-long-pass-phrase",
    "password2": "a-long-pass-phrase",
}


@pytest.fixture(autouse=True)
def fresh_limits():
    """Rate limits live in the cache; each test starts with none used."""
    cache.clear()
    yield
    cache.clear()


def _link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def _login(client, email, password):
    return client.post(reverse("login"), {"login": email, "password": password})


def test_signup_creates_the_account_and_its_owner_but_logs_in_only_after_the_emailed_link(
    client,
):
    response = client.post(reverse("signup"), SIGNUP)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="hana@harbor.example")
    assert (user.role, user.account.name, user.team.account_id) == (
        Role.OWNER,
        "Harbor Tech",
        user.account_id,
    )
    assert "_auth_user_id" not in client.session
    # Not verified yet: the right password does not log in, it re-sends the link.
    assert _login(client, "hana@harbor.example", SIGNUP["password1"]).status_code == 302
    assert "_auth_user_id" not in client.session

    link = _link_in(mail.outbox[0])
    assert client.get(link).status_code == 200  # a confirm button, not a GET side effect
    assert client.post(link).status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    assert EmailAddress.objects.get(user=user).verified


def test_signup_with_a_taken_address_answers_the_same_and_mails_the_owner(client, alice):
    before = Account.objects.count()
    response = client.post(reverse("signup"), {**SIGNUP, "email": alice.email.upper()})
    # Same answer as a fresh address: the page does not tell that alice exists.
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert Account.objects.count() == before
    assert [m.to for m in mail.outbox] == [[alice.email]]
    assert "already" in mail.outbox[0].body.lower()


@pytest.mark.parametrize(
    ("change", "message"),
    [({"password1": "short", "password2": "short"}, "too short"), ({"password2": "x"}, "same")],
)
def test_signup_rejects_weak_or_mismatched_passwords(client, change, message):
    response = client.post(reverse("signup"), {**SIGNUP, **change})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Account.objects.filter(name="Harbor Tech").exists()


def test_login_and_logout(client, alice):
    response = _login(client, alice.email.upper(), PASSWORD)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == alice.pk
    assert client.session["_auth_user_backend"] == BACKEND
    client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session


def test_wrong_password_and_unknown_address_get_the_same_answer(client, alice):
    wrong = _login(client, alice.email, "nope-nope-nope")
    unknown = _login(client, "nobody@acme.test", "nope-nope-nope")
    assert wrong.status_code == unknown.status_code == 200
    message = "The email address and/or password you specified are not correct."
    assert message in wrong.content.decode()
    assert message in unknown.content.decode()


def test_a_session_from_before_allauth_stays_logged_in(client, alice):
    # force_login writes the backend path sessions stored before the move to allauth.
    client.force_login(alice, backend=BACKEND)
    assert client.get(reverse("members")).status_code == 200


def test_soft_deleted_user_cannot_log_in_and_is_logged_out(client, client_for, alice, admin):
    logged_in = client_for(alice)
    assert logged_in.get(reverse("members")).status_code == 200
    client_for(admin).post(reverse("member_remove", args=[alice.pk]))
    assert User.all_objects.get(pk=alice.pk).deleted_at is not None
    assert logged_in.get(reverse("members")).status_code == 302
    _login(client, alice.email, PASSWORD)
    assert "_auth_user_id" not in client.session
    assert alice not in User.objects.members_of(alice.account_id)


# --- Throttling --------------------------------------------------------------


def test_sixth_wrong_password_in_five_minutes_gets_429_saying_when_to_retry(client, alice):
    for _ in range(5):
        assert _login(client, alice.email, "wrong-password").status_code == 200
    response = _login(client, alice.email, "wrong-password")
    assert response.status_code == 429
    assert "Too many login attempts. Try again in 5 min." in response.content.decode()
    assert 240 < int(response["Retry-After"]) <= 300
    # The right password does not get in either while the limit holds...
    assert _login(client, alice.email, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_limit_is_per_address_and_says_nothing_about_whether_it_exists(client, alice):
    for _ in range(5):
        _login(client, "ghost@acme.test", "wrong-password")
    # An unknown address is limited exactly like a real one...
    assert _login(client, "ghost@acme.test", "wrong-password").status_code == 429
    # ...and another address from the same client still gets in.
    assert _login(client, alice.email, PASSWORD).status_code == 302


def test_one_client_trying_many_addresses_is_limited_per_address_of_the_client(client, acme):
    for n in range(20):
        _login(client, f"guess{n}@acme.test", "wrong-password")
    response = _login(client, "guess-last@acme.test", "wrong-password")
    assert response.status_code == 429


def test_a_successful_login_does_not_use_up_the_limit(client, alice):
    for _ in range(10):
        assert _login(client, alice.email, PASSWORD).status_code == 302
        client.post(reverse("logout"))


def test_signup_is_throttled_per_client(client):
    for n in range(10):
        client.post(reverse("signup"), {**SIGNUP, "email": f"s{n}@harbor.example"})
    response = client.post(reverse("signup"), {**SIGNUP, "email": "s-last@harbor.example"})
    assert response.status_code == 429
    assert "Too many" in response.content.decode()


def test_password_reset_requests_are_throttled_per_address(client, alice):
    for _ in range(3):
        client.post(reverse("account_reset_password"), {"email": alice.email})
    response = client.post(reverse("account_reset_password"), {"email": alice.email})
    assert response.status_code == 429
    assert len(mail.outbox) == 3


# --- Password reset ----------------------------------------------------------


def _reset_link(client, email) -> str:
    response = client.post(reverse("account_reset_password"), {"email": email})
    assert response.status_code == 302
    return _link_in(mail.outbox[-1])


def test_password_reset_by_email_link_works_once(client, alice):
    link = _reset_link(client, alice.email)
    form_page = client.get(link)  # allauth moves the key into the session, then the form
    assert form_page.status_code == 302
    new = {"password1": "a-brand-new-phrase", "password2": "a-brand-new-phrase"}
    assert client.post(form_page["Location"], new).status_code == 302
    assert _login(client, alice.email, "a-brand-new-phrase").status_code == 302
    client.post(reverse("logout"))
    # The same link again: the token is spent (it includes the old password hash).
    again = client.get(link, follow=True)
    assert "invalid" in again.content.decode().lower()
    alice.refresh_from_db()
    assert alice.check_password("a-brand-new-phrase")


def test_password_reset_answers_the_same_for_an_unknown_address(client, alice):
    known = client.post(reverse("account_reset_password"), {"email": alice.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@acme.test"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])


def test_password_reset_link_expires(client, alice, settings):
    link = _reset_link(client, alice.email)
    settings.PASSWORD_RESET_TIMEOUT = -1
    assert "invalid" in client.get(link, follow=True).content.decode().lower()


# --- Email verification for a changed address and for people added by an admin ---


def test_a_changed_email_counts_only_once_confirmed(client_for, alice):
    client = client_for(alice)
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "alice.new@acme.test"}
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.email != "alice.new@acme.test"  # not until the link is clicked
    client.post(_link_in(mail.outbox[-1]))
    alice.refresh_from_db()
    assert alice.email == "alice.new@acme.test"


def _invite(client_for, admin, email, capture):
    with capture(execute=True):
        return client_for(admin).post(
            reverse("invitation_create"),
            {"display_name": "Nina New", "email": email, "role": Role.ENGINEER},
        )


def _accept(client, message):
    url = re.search(r"https?://[^/\s]+(/invitations/\S+/)", message.body).group(1)
    data = {"display_name": "Nina New", "password": "a-long-pass-phrase"}
    return client.post(url, {**data, "password_again": "a-long-pass-phrase"})


def test_an_invitation_link_proves_the_address_so_no_second_confirmation(
    client, client_for, admin, django_capture_on_commit_callbacks
):
    _invite(client_for, admin, "nina@acme.test", django_capture_on_commit_callbacks)
    assert _accept(client, mail.outbox[-1]).status_code == 302
    nina = User.objects.get(email="nina@acme.test")
    assert EmailAddress.objects.filter(user=nina, email="nina@acme.test", verified=True).exists()
    client.logout()
    _login(client, "nina@acme.test", "a-long-pass-phrase")
    assert int(client.session["_auth_user_id"]) == nina.pk


def test_an_unverified_signup_does_not_block_the_real_owner_being_added(
    client, client_for, admin, django_capture_on_commit_callbacks
):
    client.post(reverse("signup"), {**SIGNUP, "email": "nina@acme.test"})
    squatter = User.objects.get(email="nina@acme.test")
    response = _invite(client_for, admin, "nina@acme.test", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert not Account.objects.filter(pk=squatter.account_id).exists()
    _accept(client, mail.outbox[-1])
    assert User.objects.get(email="nina@acme.test").account_id == admin.account_id


def test_a_verified_owner_keeps_their_address(
    client_for, admin, django_capture_on_commit_callbacks
):
    other = make_account("Other MSP")
    make_user(other, Role.OWNER, email="taken@acme.test")  # verified (factory)
    response = _invite(client_for, admin, "taken@acme.test", django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert Account.objects.filter(pk=other.pk).exists()


def test_people_from_before_allauth_log_in_with_their_password_after_the_migration(client, acme):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "troubleshoot.migrations.0005_verified_email_for_existing_people"
    )
    # A person as they were before allauth: a password, no EmailAddress row.
    old = User.objects.create_user(
        "old.timer@acme.test", PASSWORD, display_name="Old", account=acme
    )
    assert _login(client, old.email, PASSWORD).status_code == 302
    assert "_auth_user_id" not in client.session  # without the migration: "verify first"
    EmailAddress.objects.filter(user=old).delete()
    migration.add_verified_addresses(apps, None)
    assert EmailAddress.objects.get(user=old).verified
    assert _login(client, old.email, PASSWORD).status_code == 302
    assert int(client.session["_auth_user_id"]) == old.pk
