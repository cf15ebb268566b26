"""Who is on a websocket: the user of the login session named by its cookie, read once.

Channels' AuthMiddlewareStack resolves the same user, but its session layer also
wraps every message the socket sends, checking whether the session needs saving. A
socket here never changes its session, and on the socket hub's fan-out that check
was about a third of the write loop's CPU (py-spy, 500 watchers). This stack
resolves the user once at connect, with Django's checks (session hash, SECRET_KEY
fallbacks) and without writing to the session, and hands `send` on untouched.
"""

from importlib import import_module

from channels.db import database_sync_to_async
from channels.sessions import CookieMiddleware
from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
    load_backend,
)
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils.crypto import constant_time_compare

from troubleshoot.accounts.mfa_policy import mfa_enrolment_pending


@database_sync_to_async
def user_for_session_key(session_key: str):
    """The logged-in user of that session, or AnonymousUser.

    The checks of Django's `auth.get_user` (backend, user, session hash against the
    SECRET_KEY and its fallbacks), but read-only: a socket cannot set a cookie, so
    where `get_user` would flush the session or cycle its key, this only answers
    anonymous and leaves the session to the next page load. A login still waiting
    for its second factor has no user in the session yet (allauth logs in only after
    every stage), so it is anonymous here too; so is someone whose account requires a
    second factor they have not added.
    """
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    try:
        user_id = get_user_model()._meta.pk.to_python(session[SESSION_KEY])
        backend_path = session[BACKEND_SESSION_KEY]
    except (KeyError, ValidationError):
        return AnonymousUser()
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return AnonymousUser()
    user = load_backend(backend_path).get_user(user_id)
    if user is None:
        return AnonymousUser()
    stored = session.get(HASH_SESSION_KEY) or ""
    valid = [user.get_session_auth_hash(), *user.get_session_auth_fallback_hash()]
    if not any(constant_time_compare(stored, expected) for expected in valid):
        return AnonymousUser()  # password changed since, or signed with a retired key
    if mfa_enrolment_pending(user):
        return AnonymousUser()  # must add a second factor before using Baton
    return user


class SessionUserMiddleware:
    """Sets scope["user"] from the session cookie; needs CookieMiddleware outside."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        session_key = scope["cookies"].get(settings.SESSION_COOKIE_NAME)
        user = await user_for_session_key(session_key) if session_key else AnonymousUser()
        return await self.inner(dict(scope, user=user), receive, send)


def SessionUserStack(inner):  # noqa: N802 (named like the Channels stack it replaces)
    return CookieMiddleware(SessionUserMiddleware(inner))
