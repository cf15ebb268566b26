"""Who is calling: a personal access token (scripts) or the login cookie (the browser).

Token: `Authorization: Bearer baton_…`. A missing, unknown, expired or revoked token,
or one whose person was removed, is 401 with a sentence. The browser's session is
DRF's SessionAuthentication, which enforces CSRF on unsafe methods.
"""

from rest_framework import authentication, exceptions

from troubleshoot.accounts.tokens import user_for_token


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the token as `Authorization: Bearer <token>`, with no spaces in it."
            )
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("That is not a Baton token.") from None
        found = user_for_token(raw)
        if found is None:
            raise exceptions.AuthenticationFailed(
                "This token is unknown, expired or revoked, or its person no longer has access."
            )
        return found

    def authenticate_header(self, request):
        # Makes an unauthenticated request 401 (with this challenge), not 403.
        return f'{self.keyword} realm="Baton API"'
