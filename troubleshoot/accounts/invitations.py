"""Invitations: an admin adds a teammate by email, and the teammate sets their own
password through a single-use link that expires.

The link's token is random (256 bits) and only its SHA-256 is stored. The email goes
out right after the commit, from the request that created or re-sent the invitation
(as Django's password-reset mail does): the link exists only in that request's memory,
so it is not written to the delivery ledger or a broker where it could be read back.
Whether the mail server took it is recorded on the invitation (sent_at / send_error),
and the members page shows it, with Re-send.
"""

import functools
import hashlib
import logging
import secrets
import smtplib
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from troubleshoot.accounts.links import absolute_url
from troubleshoot.accounts.models import Invitation, Role, Team, User
from troubleshoot.accounts.roles import is_admin_or_above, is_owner
from troubleshoot.accounts.services import check_email_free
from troubleshoot.accounts.timezones import clean_zone, full_datetime

logger = logging.getLogger(__name__)

TOKEN_BYTES = 32


class InvitationUnusable(Exception):
    """The link cannot be used (any more): a sentence for the person, and a status."""

    def __init__(self, message: str, status: int = 410):
        super().__init__(message)
        self.message = message
        self.status = status


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def _expiry():
    return timezone.now() + timedelta(days=settings.BATON_INVITATION_DAYS)


def _check_may_invite(actor: User, role: str) -> None:
    if not is_admin_or_above(actor):
        raise PermissionDenied("Only admins and owners can invite teammates.")
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    if role == Role.OWNER and not is_owner(actor):
        raise PermissionDenied("Only an owner can invite another owner.")


def _send_after_commit(invitation: Invitation, token: str) -> None:
    # The link is built now, inside the request: in embedded mode its base is the
    # request's own host and port (links.py).
    link = absolute_url(reverse("invitation_accept", args=[token]))
    # robust: an unexpected error is logged, not turned into a 500 after the commit;
    # the row then shows no sent_at, and the page says so.
    transaction.on_commit(
        functools.partial(send_invitation_email, invitation.pk, link), robust=True
    )


def send_invitation_email(invitation_id: int, link: str) -> bool:
    """Email the invitation and record the outcome on its row; never raises for a
    mail server's refusal or absence (the members page shows it, with Re-send)."""
    invitation = (
        Invitation.objects.select_related("account", "invited_by").filter(pk=invitation_id).first()
    )
    if invitation is None or not invitation.is_open:
        return False
    context = {
        "invitation": invitation,
        "link": link,
        "inviter": invitation.invited_by.display_name if invitation.invited_by else "Your admin",
        # The invitee has no zone yet: the account's default, named.
        "expires": full_datetime(invitation.expires_at, invitation.account.time_zone),
    }
    message = EmailMultiAlternatives(
        f"{context['inviter']} invited you to {invitation.account.name} on Baton",
        render_to_string("troubleshoot/email/invitation.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [invitation.email],
    )
    message.attach_alternative(
        render_to_string("troubleshoot/email/invitation.html", context), "text/html"
    )
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        logger.warning("invitation %s: email not sent: %s", invitation_id, exc)
        reason = f"The mail server did not take it ({type(exc).__name__}: {exc})"[:300]
        Invitation.objects.filter(pk=invitation_id).update(send_error=reason)
        return False
    Invitation.objects.filter(pk=invitation_id).update(sent_at=timezone.now(), send_error="")
    return True


@transaction.atomic(durable=True)
def invitation_create(
    *, actor: User, display_name: str, email: str, role: str, team: Team | None
) -> Invitation:
    """An admin or owner invites a teammate; the email leaves after commit.

    Raises PermissionDenied (role), ValidationError (taken address, an address with an
    open invitation, a team of another account, an unknown role).
    """
    _check_may_invite(actor, role)
    if team is not None and team.account_id != actor.account_id:
        raise ValidationError({"team": "That team is not in your account."})
    # A sign-up that never proved this address must not block its real owner.
    email = check_email_free(email, release_unverified=True)
    if Invitation.objects.open().filter(email__iexact=email).exists():
        raise ValidationError(
            {"email": "This address already has an open invitation; re-send that one."}
        )
    token = _new_token()
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                account_id=actor.account_id,
                email=email,
                display_name=display_name.strip(),
                role=role,
                team=team,
                invited_by=actor,
                token_hash=token_hash(token),
                expires_at=_expiry(),
            )
    except IntegrityError as exc:  # the same address invited at the same moment
        raise ValidationError(
            {"email": "This address already has an open invitation; re-send that one."}
        ) from exc
    _send_after_commit(invitation, token)
    return invitation


def _locked_open_invitation(actor: User, invitation_id: int) -> Invitation:
    if not is_admin_or_above(actor):
        raise PermissionDenied("Only admins and owners manage invitations.")
    invitation = (
        Invitation.objects.select_for_update()
        .filter(pk=invitation_id, account_id=actor.account_id)
        .first()
    )
    if invitation is None:
        raise ValidationError("That invitation is not in your account.")
    if invitation.used_at is not None:
        raise ValidationError(f"{invitation.email} has already accepted this invitation.")
    if invitation.revoked_at is not None:
        raise ValidationError("This invitation was revoked; invite them again instead.")
    if invitation.role == Role.OWNER and not is_owner(actor):
        raise PermissionDenied("Only an owner can manage an owner's invitation.")
    return invitation


@transaction.atomic(durable=True)
def invitation_resend(*, actor: User, invitation_id: int) -> Invitation:
    """A new link with a fresh expiry; the previous link stops working at once.

    Raises PermissionDenied, ValidationError (accepted or revoked already).
    """
    invitation = _locked_open_invitation(actor, invitation_id)
    token = _new_token()
    invitation.token_hash = token_hash(token)
    invitation.expires_at = _expiry()
    invitation.sent_at = None
    invitation.send_error = ""
    invitation.save(update_fields=["token_hash", "expires_at", "sent_at", "send_error"])
    _send_after_commit(invitation, token)
    return invitation


@transaction.atomic(durable=True)
def invitation_revoke(*, actor: User, invitation_id: int) -> Invitation:
    """The link stops working. Raises PermissionDenied, ValidationError."""
    invitation = _locked_open_invitation(actor, invitation_id)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    return invitation


def invitation_for_token(token: str) -> Invitation:
    """The invitation a link names, if it can still be accepted.

    Raises InvitationUnusable: 404 for a link that never existed (or was replaced by
    a re-send), 410 for one used, revoked or expired.
    """
    invitation = (
        Invitation.objects.select_related("account", "team", "invited_by")
        .filter(token_hash=token_hash(token or ""))
        .first()
    )
    if invitation is None:
        raise InvitationUnusable(
            "This invitation link is not valid. If it was re-sent, use the newest email.", 404
        )
    if invitation.used_at is not None:
        raise InvitationUnusable("This invitation has already been used. Log in instead.")
    if invitation.revoked_at is not None:
        raise InvitationUnusable("This invitation was withdrawn. Ask your admin for a new one.")
    if invitation.is_expired:
        raise InvitationUnusable("This invitation has expired. Ask your admin to re-send it.")
    return invitation


@transaction.atomic(durable=True)
def invitation_accept(*, token: str, display_name: str, password: str, time_zone: str) -> User:
    """Create the invited person with their own password; the link is used up.

    time_zone: what their browser reported (ignored when unknown). Raises
    InvitationUnusable, ValidationError (weak password, address taken meanwhile).
    """
    invitation = invitation_for_token(token)
    # Locked and read again: two tabs submitting the same link create one person.
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.can_be_accepted:
        invitation_for_token(token)  # raises with the reason
    email = check_email_free(invitation.email, release_unverified=True)
    team = invitation.team if invitation.team_id else None
    if team is not None and team.account_id != invitation.account_id:
        team = None
    user = User(
        email=email,
        display_name=(display_name or invitation.display_name).strip(),
        account_id=invitation.account_id,
        team=team,
        role=invitation.role,
        time_zone=clean_zone(time_zone),
    )
    validate_password(password, user=user)
    user.set_password(password)
    user.save()
    # The emailed link proved the address: no second verification mail at first login.
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    invitation.used_at = timezone.now()
    invitation.user = user
    invitation.save(update_fields=["used_at", "user"])
    return user
