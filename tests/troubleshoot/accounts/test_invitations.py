"""Invitations: an admin invites by email; the invited person sets their own password
through a single-use link that expires; admins re-send or revoke it."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_team, make_user
from tests.fakes.smtp_fake import FakeSMTPServer
from troubleshoot.models import Invitation, Role, User

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-pass-phrase"
LINK = re.compile(r"(https?://[^/\s]+)/invitations/([A-Za-z0-9_\-]+)/")


@pytest.fixture
def invite(client_for, django_capture_on_commit_callbacks):
    """invite(actor, **fields) -> response; the email (after commit) lands in mail.outbox."""

    def send(actor, **fields):
        data = {"display_name": "Nina New", "email": "nina@acme.test", "role": Role.ENGINEER}
        data.update(fields)
        with django_capture_on_commit_callbacks(execute=True):
            return client_for(actor).post(reverse("invitation_create"), data)

    return send


def _link(message) -> tuple[str, str]:
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(0), match.group(2)


def test_admin_invites_and_the_email_carries_a_link_whose_token_is_not_stored(
    invite, admin, acme_team
):
    response = invite(admin, team=acme_team.pk)
    assert response.status_code == 302
    assert not User.objects.filter(email="nina@acme.test").exists()  # not before accepting

    [message] = mail.outbox
    assert message.to == ["nina@acme.test"]
    assert "Adam Admin invited you to Acme MSP" in message.subject
    url, token = _link(message)
    assert url.startswith("http://testserver/invitations/")
    # The expiry states its zone (the account's default: the invitee has none yet).
    assert re.search(r"until \w{3} \d+ \w{3} \d{4}, \d\d:\d\d UTC\.", message.body)

    invitation = Invitation.objects.get(email="nina@acme.test")
    assert invitation.is_open and invitation.sent_at is not None
    stored = [str(v) for v in Invitation.objects.filter(pk=invitation.pk).values().get().values()]
    assert all(token not in value for value in stored)
    assert invitation.expires_at - timezone.now() > timedelta(days=6)


def test_invited_person_sets_a_password_and_lands_in_their_account(
    client, invite, admin, acme, acme_team
):
    invite(admin, role=Role.ADMIN, team=acme_team.pk)
    url, _ = _link(mail.outbox[0])

    page = client.get(url)
    assert page.status_code == 200
    assert "Join Acme MSP" in page.content.decode()
    response = client.post(
        url,
        {
            "display_name": "Nina Newcomer",
            "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD,
            "time_zone": "Europe/Berlin",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("home")

    nina = User.objects.get(email="nina@acme.test")
    assert int(client.session["_auth_user_id"]) == nina.pk
    assert (nina.account_id, nina.team_id, nina.role) == (acme.pk, acme_team.pk, Role.ADMIN)
    assert (nina.display_name, nina.time_zone) == ("Nina Newcomer", "Europe/Berlin")
    assert nina.check_password(NEW_PASSWORD)
    assert Invitation.objects.get(email="nina@acme.test").user_id == nina.pk

    # Single use: the same link again says so.
    client.post(reverse("logout"))
    again = client.get(url)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()


def test_an_expired_link_is_refused_and_shown_as_expired(client, client_for, invite, admin):
    invite(admin)
    url, _ = _link(mail.outbox[0])
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

    response = client.post(
        url, {"display_name": "Nina", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not User.objects.filter(email="nina@acme.test").exists()
    page = client_for(admin).get(reverse("members")).content.decode()
    assert '<span class="pill">expired</span>' in page


def test_re_send_replaces_the_link_and_renews_the_expiry(
    client, client_for, invite, admin, django_capture_on_commit_callbacks
):
    invite(admin)
    old_url, _ = _link(mail.outbox[0])
    invitation = Invitation.objects.get()
    Invitation.objects.update(expires_at=timezone.now() - timedelta(days=1))

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin).post(reverse("invitation_resend", args=[invitation.pk]))
    assert response.status_code == 302
    new_url, _ = _link(mail.outbox[1])
    assert new_url != old_url
    assert client.get(old_url).status_code == 404  # the old link is gone
    assert client.get(new_url).status_code == 200
    invitation.refresh_from_db()
    assert invitation.expires_at > timezone.now() + timedelta(days=6)


def test_revoked_invitation_stops_working(client, client_for, invite, admin):
    invite(admin)
    url, _ = _link(mail.outbox[0])
    invitation = Invitation.objects.get()
    revoke = client_for(admin).post(reverse("invitation_revoke", args=[invitation.pk]))
    assert revoke.status_code == 302
    response = client.get(url)
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()
    # Revoked: neither re-sendable nor listed, and the address may be invited again.
    resend = client_for(admin).post(reverse("invitation_resend", args=[invitation.pk]))
    assert resend.status_code == 409
    assert f'id="invitation-{invitation.pk}"' not in resend.content.decode()
    assert invite(admin).status_code == 302


def test_a_weak_password_keeps_the_invitation_open(client, invite, admin):
    invite(admin)
    url, _ = _link(mail.outbox[0])
    response = client.post(
        url, {"display_name": "Nina", "password": "short", "password_again": "short"}
    )
    assert response.status_code == 400
    assert "too short" in response.content.decode()
    assert Invitation.objects.get().is_open
    assert not User.objects.filter(email="nina@acme.test").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"email": "TAKEN@acme.test"}, "already exists"),
        ({"email": "nina@acme.test"}, "already has an open invitation"),
        ({"role": "superhero"}, "not one of the available choices"),
        ({"team": "OTHER"}, "not one of the available choices"),
        ({"email": "not-an-address"}, "valid email"),
    ],
)
def test_invitation_bad_input_gets_a_form_error(invite, admin, acme, globex, change, message):
    make_user(acme, email="taken@acme.test")
    Invitation.objects.create(
        account=acme, email="nina@acme.test", display_name="Nina", token_hash="x" * 64,
        expires_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    if change.get("team") == "OTHER":
        change = {"team": make_team(globex, "Elsewhere").pk, "email": "other@acme.test"}
    response = invite(admin, **change)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert len(mail.outbox) == 0


def test_only_admins_invite_and_only_owners_invite_owners(invite, viewer, alice, admin, owner):
    for user in (viewer, alice):
        assert invite(user).status_code == 403
    assert invite(admin, role=Role.OWNER).status_code == 403
    assert not Invitation.objects.exists()
    assert invite(owner, role=Role.OWNER).status_code == 302


def test_another_account_cannot_touch_the_invitation(client_for, invite, admin, globex):
    invite(admin)
    invitation = Invitation.objects.get()
    outsider = make_user(globex, Role.ADMIN, name="Greta Globex")
    for name in ("invitation_resend", "invitation_revoke"):
        assert client_for(outsider).post(reverse(name, args=[invitation.pk])).status_code == 404
    assert Invitation.objects.get().is_open
    assert "nina@acme.test" not in client_for(outsider).get(reverse("members")).content.decode()


def test_an_unknown_link_is_404(client):
    response = client.get(reverse("invitation_accept", args=["not-a-real-token"]))
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_a_refused_email_is_recorded_and_shown_with_re_send(settings, invite, admin, client_for):
    with FakeSMTPServer(refuse={"nina@acme.test"}) as smtp:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
        response = invite(admin)
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.sent_at is None
    assert "did not take it" in invitation.send_error
    page = client_for(admin).get(reverse("members")).content.decode()
    assert "Email not sent" in page and "Re-send" in page


def test_accepting_while_someone_else_is_signed_in_signs_in_the_new_person(
    client_for, invite, admin, sam
):
    invite(admin)
    url, _ = _link(mail.outbox[0])
    browser = client_for(sam)
    browser.post(
        url, {"display_name": "Nina", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )
    assert int(browser.session["_auth_user_id"]) == User.objects.get(email="nina@acme.test").pk
