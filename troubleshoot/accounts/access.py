"""Access helpers: fetch one object for a user, or 404.

A row of another account answers 404, never 403, so ids reveal nothing. Each main
object of the base app has one helper here; other apps keep theirs beside their
selectors.
"""

from django.shortcuts import get_object_or_404

from troubleshoot.accounts.models import Team, User


def get_team_for_user(user, team_id) -> Team:
    return get_object_or_404(Team, pk=team_id, account_id=user.account_id)


def get_member_for_user(user, member_id) -> User:
    return get_object_or_404(User, pk=member_id, account_id=user.account_id)
