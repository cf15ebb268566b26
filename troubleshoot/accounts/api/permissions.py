"""Role permissions for API views: the same checks as the pages (roles.py).

Each class carries its `role`, which the schema shows on every operation
(`x-baton-role`) and the contract test reads to know who must get 403.
"""

from rest_framework.permissions import BasePermission

from troubleshoot.accounts.roles import is_admin_or_above, is_engineer_or_above, is_member


class _Role(BasePermission):
    role = ""
    message = ""

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated) and self.check(request.user)

    @staticmethod
    def check(user) -> bool:
        raise NotImplementedError


class IsMember(_Role):
    """Any person of an account (viewers read); platform staff without one get 403."""

    role = "viewer"
    message = "Only people of an account can use the API."
    check = staticmethod(is_member)


class IsEngineer(_Role):
    role = "engineer"
    message = "Your role does not allow this: engineers, admins and owners only."
    check = staticmethod(is_engineer_or_above)


class IsAdmin(_Role):
    role = "admin"
    message = "Your role does not allow this: admins and owners only."
    check = staticmethod(is_admin_or_above)


class ActionRoles:
    """ViewSet mixin: `action_roles = {"list": IsMember, "create": IsEngineer}` picks the
    permission per action; an @action's own permission_classes win over the default."""

    action_roles: dict = {}

    def get_permissions(self):
        chosen = self.action_roles.get(getattr(self, "action", None))
        if chosen is not None:
            return [chosen()]
        return super().get_permissions()


def role_of(permissions) -> str:
    """The role an operation needs: the highest among its permissions."""
    order = ["", "viewer", "engineer", "admin"]
    roles = [getattr(p, "role", "") for p in permissions]
    return max(roles, key=order.index, default="")
