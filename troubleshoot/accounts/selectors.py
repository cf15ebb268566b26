"""Reads for accounts and people, always scoped to one account."""

from troubleshoot.accounts.models import Invitation, Team, User


def members_for_account(account_id: int):
    return (
        User.objects.filter(account_id=account_id).select_related("team").order_by("display_name")
    )


def teams_for_account(account_id: int):
    return Team.objects.filter(account_id=account_id).order_by("name")


def engineers_for_account(account_id: int, *, exclude_user_id: int | None = None):
    """Who can receive or take an escalation: active engineers, admins and owners."""
    users = User.objects.members_of(account_id).engineers_or_above().order_by("display_name")
    if exclude_user_id is not None:
        users = users.exclude(pk=exclude_user_id)
    return users


def removed_members_for_account(account_id: int):
    """Soft-deleted people of one account, most recently removed first (owners may
    restore them)."""
    return (
        User.all_objects.filter(account_id=account_id, deleted_at__isnull=False)
        .select_related("team")
        .order_by("-deleted_at")
    )


def open_invitations_for_account(account_id: int):
    """Invitations neither accepted nor revoked (expired ones included: they can be
    re-sent)."""
    return (
        Invitation.objects.open()
        .filter(account_id=account_id)
        .select_related("team", "invited_by")
        .order_by("-created_at")
    )
