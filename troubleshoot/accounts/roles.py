"""Role checks used by every view and consumer.

Each takes any user (anonymous included) and answers for the user's own account;
whether an object belongs to that account is the access helpers' job (access.py).
"""

from functools import wraps

from django.core.exceptions import PermissionDenied

from troubleshoot.accounts.models import ROLE_RANK, Role


def _rank(user) -> int:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return -1
    if getattr(user, "deleted_at", None) is not None or user.account_id is None:
        return -1
    return ROLE_RANK.get(user.role, -1)


def is_member(user) -> bool:
    return _rank(user) >= ROLE_RANK[Role.VIEWER]


def is_engineer_or_above(user) -> bool:
    return _rank(user) >= ROLE_RANK[Role.ENGINEER]


def is_admin_or_above(user) -> bool:
    return _rank(user) >= ROLE_RANK[Role.ADMIN]


def is_owner(user) -> bool:
    return _rank(user) >= ROLE_RANK[Role.OWNER]


def role_required(check):
    """View decorator: login is handled by the middleware redirect, the role here.

    An anonymous user goes to the login page; a member without the role gets 403.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied("Your role does not allow this.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


member_required = role_required(is_member)
engineer_required = role_required(is_engineer_or_above)
admin_required = role_required(is_admin_or_above)
owner_required = role_required(is_owner)
