from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Email login; inactive and soft-deleted users can neither log in nor stay logged in."""

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        return super().authenticate(
            request, username=(email or username or "").strip().lower(), password=password
        )

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and user.deleted_at is None
