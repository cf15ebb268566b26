"""Personal access tokens for the REST API: create, revoke, list, and find the token a
request carries.

A token reads `baton_<43 url-safe characters>` (256 random bits). It is returned once,
by token_create; the database keeps its SHA-256 digest and its first characters.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from troubleshoot.accounts.models import ApiToken, User
from troubleshoot.accounts.roles import is_admin_or_above, is_member

TOKEN_PREFIX = "baton_"
PREFIX_SHOWN = len(TOKEN_PREFIX) + 6
NAME_MAX = 80
# A person's live tokens: enough for every script, few enough to review on one page.
MAX_ACTIVE_TOKENS = 50
# Writing last_used_at on every request would be a write per API call; once a minute
# tells an admin the same thing ("used today", "never used").
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic(durable=True)
def token_create(
    *, actor: User, name: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token for the actor; returns (row, the token itself, shown only now).

    Raises PermissionDenied for someone without an account, ValidationError for a
    missing or long name, an expiry in the past, or too many live tokens.
    """
    if not is_member(actor):
        raise PermissionDenied("Only members of an account can create API tokens.")
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Give the token a name, e.g. the script that uses it."})
    if len(name) > NAME_MAX:
        raise ValidationError({"name": f"Names are at most {NAME_MAX} characters."})
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        raise ValidationError({"expires_at": "The expiry must be in the future."})
    # Lock the person's row: two creations at once cannot both pass the limit.
    User.objects.select_for_update().filter(pk=actor.pk).values_list("pk").get()
    live = active_tokens_for_user(actor).count()
    if live >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            f"You have {live} live tokens, the most allowed. Revoke one you no longer use."
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        account_id=actor.account_id,
        name=name,
        prefix=raw[:PREFIX_SHOWN],
        digest=token_digest(raw),
        expires_at=expires_at,
    )
    return token, raw


@transaction.atomic(durable=True)
def token_revoke(*, actor: User, token_id: int) -> ApiToken:
    """Revoke one of the actor's tokens, or (admins and owners) any token of the account.

    Revoking twice changes nothing. Raises Http404 for a token the actor may not see
    (another person's, for a non-admin; another account's, for anyone).
    """
    token = (
        ApiToken.objects.select_for_update()
        .filter(pk=token_id, account_id=actor.account_id)
        .first()
    )
    if token is None or not (token.user_id == actor.pk or is_admin_or_above(actor)):
        raise Http404("No such token.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = actor
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def active_tokens_for_user(user: User):
    now = timezone.now()
    return ApiToken.objects.filter(user_id=user.pk, revoked_at__isnull=True).exclude(
        expires_at__lte=now
    )


def tokens_for_user(user: User):
    """The person's own tokens, newest first (revoked and expired ones too)."""
    return ApiToken.objects.filter(user_id=user.pk, account_id=user.account_id).order_by(
        "-created_at", "-id"
    )


def tokens_for_account(account_id: int):
    """Every token of the account, for its admins: whose, name, state, last use."""
    return (
        ApiToken.objects.filter(account_id=account_id)
        .select_related("user", "revoked_by")
        .order_by("-created_at", "-id")
    )


def user_for_token(raw: str) -> tuple[User, ApiToken] | None:
    """The person and token a request's token names, if it is live and its person may
    still use Baton; else None. One query, plus an UPDATE at most once a minute."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(raw), user__deleted_at__isnull=True)
        .first()
    )
    if token is None or not token.is_usable():
        return None
    user = token.user
    if not user.is_active or user.account_id != token.account_id:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return user, token
