"""Baton's hooks into django-allauth: sign-up makes an account, throttled logins get 429.

allauth runs the sign-in flows (login, sign-up with email verification, password
reset, MFA, OpenID Connect); this adapter adds what is Baton's own: a sign-up creates
an MSP account with its owner, and a login refused by the rate limit answers 429 with
how long to wait instead of a form error.
"""

import math
import time

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.internal import ratelimit
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import render

from troubleshoot.accounts import services as account_services

TOO_MANY = "too_many_login_attempts"


def seconds_until_allowed(request, *, action: str, key: str) -> int:
    """How long until `action` is allowed again for this client and key (0: now).

    Reads allauth's own hit history for each configured rate, so the figure shown is
    the one the limiter applies.
    """
    now, wait = time.time(), 0.0
    for rate in ratelimit.get_rates(app="allauth.account", action=action):
        cache_key = ratelimit.get_cache_key(
            request, app="allauth.account", action=action, rate=rate, key=key
        )
        history = cache.get(cache_key, [])
        recent = [ts for ts in history if ts > now - rate.duration]
        if len(recent) >= rate.amount:
            # Newest first: the limit lifts when the amount-th newest hit expires.
            wait = max(wait, recent[rate.amount - 1] + rate.duration - now)
    return math.ceil(wait)


def too_many_attempts_response(request, *, seconds: int, what: str = "attempts"):
    minutes = max(1, math.ceil(seconds / 60))
    response = render(
        request,
        "429.html",
        {"retry_minutes": minutes, "what": what},
        status=429,
    )
    response["Retry-After"] = str(max(1, seconds))
    return response


class BatonAccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        data = form.cleaned_data
        if not commit or "account_name" not in data:
            return super().save_user(request, user, form, commit=commit)
        return account_services.account_signup(
            account_name=data["account_name"],
            display_name=data["display_name"],
            email=data["email"],
            password=data["password1"],
            time_zone=data.get("time_zone", ""),
        )

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """A login in the last few minutes counts as re-authentication (like a
        "sudo mode"), so someone sent to add a second factor right after logging in
        is not asked for the password they just typed."""
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        request = context.request
        records = get_authentication_records(request, getattr(request, "user", None))
        timeout = settings.ACCOUNT_REAUTHENTICATION_TIMEOUT
        return not (records and time.time() - records[-1]["at"] < timeout)

    def pre_authenticate(self, request, **credentials):
        """Count the attempt before the password is checked; over the limit: 429.

        The same answer whether or not the address has an account, so the limit
        reveals nothing either.
        """
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as exc:
            if getattr(exc, "code", None) != TOO_MANY:
                raise
            key = self._get_login_attempts_cache_key(request, **credentials)
            seconds = seconds_until_allowed(request, action="login_failed", key=key)
            raise ImmediateHttpResponse(
                too_many_attempts_response(request, seconds=seconds, what="login attempts")
            ) from exc
