"""Writes for accounts, teams and people (invitations: invitations.py)."""

import functools
import re
from collections.abc import Callable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from troubleshoot.accounts.models import Account, MfaPolicy, Role, Team, User
from troubleshoot.accounts.roles import is_admin_or_above, is_owner
from troubleshoot.accounts.timezones import DEFAULT_ZONE, clean_zone, is_valid_zone

DEFAULT_TEAM_NAME = "Service Desk"

# Called after commit with the id of a person whose role changed or who was removed.
# Live registers one that closes that person's open sockets, so they stop hearing what
# their old role heard (troubleshoot/apps.py; accounts imports nothing above it).
ACCESS_CHANGED_HOOKS: list[Callable[[int], None]] = []


def _after_commit_access_changed(user_id: int) -> None:
    for hook in ACCESS_CHANGED_HOOKS:
        transaction.on_commit(functools.partial(hook, user_id), robust=True)


def _lock_account_people(*, actor: User, member: User) -> tuple[User | None, User | None]:
    """Serialise role changes and removals on the account's row, then read both people
    again. Two owners demoting or removing each other at the same moment each checked
    "another owner remains" against the other's old role, and the account lost every
    owner; under the lock the second sees the first's commit. A person removed
    meanwhile reads as None."""
    Account.objects.select_for_update().filter(pk=actor.account_id).values_list("pk").get()
    people = User.objects.in_bulk([actor.pk, member.pk])
    return people.get(actor.pk), people.get(member.pk)


def _other_owners_remain(account_id: int, member: User) -> bool:
    owners = User.objects.members_of(account_id).filter(role=Role.OWNER)
    return owners.exclude(pk=member.pk).exists()


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
    # all_objects: a soft-deleted user still owns the address (an owner may restore them).
    if User.all_objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "A user with this email already exists."})
    return email


def check_email_free(email: str, *, release_unverified: bool = False) -> str:
    """The address lower-cased, or ValidationError when a person already has it.
    release_unverified: first free it from a sign-up that never proved the address."""
    return _check_email_free(email, release_unverified=release_unverified)


@transaction.atomic(durable=True)
def account_signup(
    *, account_name: str, display_name: str, email: str, password: str, time_zone: str = ""
) -> User:
    """Create an account, its first team and its owner.

    time_zone is the zone the owner's browser reported (ignored when unknown): it
    becomes the owner's zone and the account's default. Raises ValidationError for a
    taken email or a weak password.
    """
    email = _check_email_free(email)
    time_zone = clean_zone(time_zone)
    owner = User(email=email, display_name=display_name.strip(), time_zone=time_zone)
    validate_password(password, user=owner)
    account = Account.objects.create(
        name=account_name.strip(),
        slug=_unique_slug(account_name),
        time_zone=time_zone or DEFAULT_ZONE,
    )
    team = Team.objects.create(account=account, name=DEFAULT_TEAM_NAME)
    owner.account, owner.team, owner.role = account, team, Role.OWNER
    owner.set_password(password)
    owner.save()
    return owner


@transaction.atomic(durable=True)
def member_change_role(*, actor: User, member: User, role: str) -> User:
    """Only an owner changes roles; the account always keeps an owner.

    Raises PermissionDenied, ValidationError. After commit the member's open sockets
    close (ACCESS_CHANGED_HOOKS), so a demoted person stops hearing the account at once.
    """
    if member.account_id != actor.account_id:
        raise PermissionDenied("That person is not in your account.")
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    actor, member = _lock_account_people(actor=actor, member=member)
    if actor is None or not is_owner(actor):
        raise PermissionDenied("Only an owner can change roles.")
    if member is None:
        raise ValidationError("That person is no longer a member of this account.")
    demotes_an_owner = member.role == Role.OWNER and role != Role.OWNER
    if demotes_an_owner and not _other_owners_remain(actor.account_id, member):
        raise ValidationError({"role": "An account needs at least one owner."})
    member.role = role
    member.save(update_fields=["role"])
    _after_commit_access_changed(member.pk)
    return member


@transaction.atomic(durable=True)
def member_remove(*, actor: User, member: User) -> User:
    """Soft delete: the user can no longer log in and disappears from every list.

    Raises PermissionDenied, ValidationError; the account always keeps an owner. After
    commit the member's open sockets close (ACCESS_CHANGED_HOOKS).
    """
    if member.account_id != actor.account_id:
        raise PermissionDenied("Only admins and owners can remove teammates.")
    if member.pk == actor.pk:
        raise ValidationError("You cannot remove yourself.")
    actor, member = _lock_account_people(actor=actor, member=member)
    if actor is None or not is_admin_or_above(actor):
        raise PermissionDenied("Only admins and owners can remove teammates.")
    if member is None:
        raise ValidationError("That person is no longer a member of this account.")
    if member.role == Role.OWNER:
        if not is_owner(actor):
            raise PermissionDenied("Only an owner can remove an owner.")
        if not _other_owners_remain(actor.account_id, member):
            raise ValidationError("An account needs at least one owner.")
    member.deleted_at = timezone.now()
    member.is_active = False
    member.save(update_fields=["deleted_at", "is_active"])
    _after_commit_access_changed(member.pk)
    return member


@transaction.atomic(durable=True)
def member_restore(*, actor: User, member_id: int) -> User:
    """An owner brings a removed person back, with the role and team they had.

    Raises PermissionDenied (not an owner), ValidationError when there is no removed
    person with that id in the actor's account. Their old sessions and history were
    kept, so everything they did is theirs again.
    """
    if not is_owner(actor):
        raise PermissionDenied("Only an owner can restore a removed person.")
    member = (
        User.all_objects.select_for_update()
        .filter(pk=member_id, account_id=actor.account_id, deleted_at__isnull=False)
        .first()
    )
    if member is None:
        raise ValidationError("That person is not among this account's removed people.")
    if (
        member.team_id
        and not Team.objects.filter(pk=member.team_id, account_id=actor.account_id).exists()
    ):
        member.team = None
    member.deleted_at = None
    member.is_active = True
    member.save(update_fields=["deleted_at", "is_active", "team"])
    return member


@transaction.atomic(durable=True)
def member_change_team(*, actor: User, member: User, team: Team | None) -> User:
    """An admin or owner moves a person to another team of the account (or none).

    Raises PermissionDenied, ValidationError (a team of another account).
    """
    if not is_admin_or_above(actor) or member.account_id != actor.account_id:
        raise PermissionDenied("Only admins and owners can change someone's team.")
    if team is not None and team.account_id != actor.account_id:
        raise ValidationError({"team": "That team is not in your account."})
    member.team = team
    member.save(update_fields=["team"])
    return member


@transaction.atomic(durable=True)
def profile_update(*, user: User, display_name: str, time_zone: str) -> User:
    """A person's own name and zone ("" = the account's default).

    Raises ValidationError for an unknown zone or an empty name.
    """
    time_zone = time_zone.strip()
    if time_zone and not is_valid_zone(time_zone):
        raise ValidationError({"time_zone": f"{time_zone!r} is not a time zone we know."})
    display_name = display_name.strip()
    if not display_name:
        raise ValidationError({"display_name": "Your name cannot be empty."})
    user.display_name = display_name
    user.time_zone = time_zone
    user.save(update_fields=["display_name", "time_zone"])
    return user


@transaction.atomic(durable=True)
def account_set_time_zone(*, actor: User, time_zone: str) -> Account:
    """The account's default zone: people without their own, and PSA notes.

    Raises PermissionDenied (below admin), ValidationError (unknown zone).
    """
    if not is_admin_or_above(actor):
        raise PermissionDenied("Only admins and owners can change the account's time zone.")
    if not is_valid_zone(time_zone):
        raise ValidationError({"time_zone": f"{time_zone!r} is not a time zone we know."})
    account = Account.objects.select_for_update().get(pk=actor.account_id)
    account.time_zone = time_zone
    account.save(update_fields=["time_zone"])
    return account


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
