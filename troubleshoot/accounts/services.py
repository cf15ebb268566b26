"""Writes for accounts, teams and people."""

import re

from allauth.account.models import EmailAddress
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from troubleshoot.accounts.models import Account, MfaPolicy, Role, Team, User
from troubleshoot.accounts.roles import is_admin_or_above, is_owner

DEFAULT_TEAM_NAME = "Service Desk"


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "account"
    slug, n = base, 2
    while Account.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def _release_unverified_signup(email: str) -> None:
    """Delete a sign-up that never proved it owns `email`, so the address is free.

    Anyone can sign up with any address; until the emailed link is clicked that
    sign-up cannot log in (verification is mandatory), so its account is empty. It
    must not stop the address's real owner from being added to their team.
    """
    squatter = (
        User.all_objects.filter(
            email__iexact=email, role=Role.OWNER, last_login__isnull=True, account__isnull=False
        )
        .exclude(emailaddress__verified=True)
        .select_related("account")
        .first()
    )
    if squatter is None:
        return
    if User.all_objects.filter(account_id=squatter.account_id).exclude(pk=squatter.pk).exists():
        return  # the account has other people: not an abandoned sign-up
    squatter.account.delete()  # the account, its teams and the squatting user


def _check_email_free(email: str, *, release_unverified: bool = False) -> str:
    email = email.strip().lower()
    if release_unverified:
        _release_unverified_signup(email)
    # all_objects: a soft-deleted user still owns the address.
    if User.all_objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "A user with this email already exists."})
    return email


@transaction.atomic(durable=True)
def account_signup(*, account_name: str, display_name: str, email: str, password: str) -> User:
    """Create an account, its first team and its owner.

    Raises ValidationError for a taken email or a weak password.
    """
    email = _check_email_free(email)
    owner = User(email=email, display_name=display_name.strip())
    validate_password(password, user=owner)
    account = Account.objects.create(name=account_name.strip(), slug=_unique_slug(account_name))
    team = Team.objects.create(account=account, name=DEFAULT_TEAM_NAME)
    owner.account, owner.team, owner.role = account, team, Role.OWNER
    owner.set_password(password)
    owner.save()
    return owner


@transaction.atomic(durable=True)
def member_create(
    *,
    actor: User,
    display_name: str,
    email: str,
    role: str,
    team: Team | None,
    password: str,
) -> User:
    """An admin or owner adds a teammate to their own account.

    Raises PermissionDenied when the actor may not add this role, ValidationError for
    bad input (taken email, weak password, a team of another account).
    """
    if not is_admin_or_above(actor):
        raise PermissionDenied("Only admins and owners can add teammates.")
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    if role == Role.OWNER and not is_owner(actor):
        raise PermissionDenied("Only an owner can add another owner.")
    if team is not None and team.account_id != actor.account_id:
        raise ValidationError({"team": "That team is not in your account."})
    email = _check_email_free(email, release_unverified=True)
    user = User(
        email=email,
        display_name=display_name.strip(),
        account_id=actor.account_id,
        team=team,
        role=role,
    )
    validate_password(password, user=user)
    user.set_password(password)
    user.save()
    # Unverified: at their first login Baton emails them a link to confirm the address
    # (allauth's mandatory verification), so a mistyped address locks nobody in.
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    return user


@transaction.atomic(durable=True)
def member_change_role(*, actor: User, member: User, role: str) -> User:
    """Only an owner changes roles; the last owner cannot demote themself."""
    if not is_owner(actor):
        raise PermissionDenied("Only an owner can change roles.")
    if member.account_id != actor.account_id:
        raise PermissionDenied("That person is not in your account.")
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    if member.role == Role.OWNER and role != Role.OWNER:
        owners = User.objects.members_of(actor.account_id).filter(role=Role.OWNER)
        if owners.exclude(pk=member.pk).count() == 0:
            raise ValidationError({"role": "An account needs at least one owner."})
    member.role = role
    member.save(update_fields=["role"])
    return member


@transaction.atomic(durable=True)
def member_remove(*, actor: User, member: User) -> User:
    """Soft delete: the user can no longer log in and disappears from every list."""
    if not is_admin_or_above(actor) or member.account_id != actor.account_id:
        raise PermissionDenied("Only admins and owners can remove teammates.")
    if member.pk == actor.pk:
        raise ValidationError("You cannot remove yourself.")
    if member.role == Role.OWNER and not is_owner(actor):
        raise PermissionDenied("Only an owner can remove an owner.")
    member.deleted_at = timezone.now()
    member.is_active = False
    member.save(update_fields=["deleted_at", "is_active"])
    return member


@transaction.atomic(durable=True)
def team_create(*, actor: User, name: str) -> Team:
    if not is_admin_or_above(actor):
        raise PermissionDenied("Only admins and owners can add teams.")
    name = name.strip()
    if Team.objects.filter(account_id=actor.account_id, name__iexact=name).exists():
        raise ValidationError({"name": "A team with this name already exists."})
    return Team.objects.create(account_id=actor.account_id, name=name)


@transaction.atomic(durable=True)
def account_update_settings(*, actor: User, unclaimed_timeout_minutes: int) -> Account:
    if not is_admin_or_above(actor):
        raise PermissionDenied("Only admins and owners can change account settings.")
    if not 1 <= unclaimed_timeout_minutes <= 24 * 60:
        raise ValidationError(
            {"unclaimed_timeout_minutes": "Choose between 1 minute and 24 hours (1440)."}
        )
    account = Account.objects.select_for_update().get(pk=actor.account_id)
    account.unclaimed_timeout_minutes = unclaimed_timeout_minutes
    account.save(update_fields=["unclaimed_timeout_minutes"])
    return account


DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


@transaction.atomic(durable=True)
def account_set_signin_settings(*, actor: User, mfa_policy: str, sso_join_domain: str) -> Account:
    """Only an owner decides who must use a second factor and who may join by signing
    in with Microsoft.

    People the MFA policy newly covers who have no second factor are sent to enrol on
    their next page load. Raises PermissionDenied for anyone but an owner,
    ValidationError for an unknown policy, a malformed domain or one another account
    already lets join.
    """
    if not is_owner(actor):
        raise PermissionDenied("Only an owner can change how people sign in.")
    if mfa_policy not in MfaPolicy.values:
        raise ValidationError({"mfa_policy": f"Unknown choice {mfa_policy!r}."})
    domain = sso_join_domain.strip().lower().lstrip("@")
    if domain and not DOMAIN_RE.match(domain):
        raise ValidationError({"sso_join_domain": "Enter a domain such as example.com."})
    if domain and Account.objects.filter(sso_join_domain=domain).exclude(pk=actor.account_id):
        raise ValidationError({"sso_join_domain": "Another account already uses this domain."})
    account = Account.objects.select_for_update().get(pk=actor.account_id)
    account.mfa_policy, account.sso_join_domain = mfa_policy, domain
    account.save(update_fields=["mfa_policy", "sso_join_domain"])
    return account
