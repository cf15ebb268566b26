from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model

User = get_user_model()


class EmailBackend(AuthenticationBackend):
    """Email login through allauth's backend; inactive and soft-deleted users can neither
    log in nor stay logged in.

    Its dotted path is what existing sessions store as their login backend, so it stays
    here: sessions from before allauth keep working.
    """

    def authenticate(self, request, **credentials):
        for field in ("email", "username"):
            if credentials.get(field):
                credentials[field] = credentials[field].strip().lower()
        return super().authenticate(request, **credentials)

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and user.deleted_at is None

    def get_user(self, user_id):
        # The account comes with the user in one query: every request asks for its
        # MFA policy (mfa_policy.MfaEnrolmentMiddleware) and default time zone (the time
        # zone middleware), and most pages show its name.
        model = get_user_model()
        try:
            user = model._default_manager.select_related("account").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
