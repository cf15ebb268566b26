from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

User = get_user_model()


class EmailBackend(ModelBackend):
    """Email login; inactive and soft-deleted users can neither log in nor stay logged in."""

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        return super().authenticate(
            request, username=(email or username or "").strip().lower(), password=password
        )

    def get_user(self, user_id):
        # The account comes in the same query: every page reads its name, and the
        # time zone middleware its default zone.
        try:
            user = User._default_manager.select_related("account").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and user.deleted_at is None
