"""An owner's "require MFA" setting, and walking people without a second factor
through enrolling before they use anything else.

allauth asks for the second factor at login of everyone who has one; this module
decides who must have one (the account's MFA policy and the person's role) and keeps
those who have none on the enrolment pages until they add one.
"""

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from troubleshoot.accounts.models import ROLE_RANK, MfaPolicy, Role

# A second factor is an authenticator app or a security key; recovery codes only
# back them up.
SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
# Pages a person who must enrol can still reach: allauth's own (MFA set-up, email,
# re-authentication, logout), static files and the health check.
ENROLMENT_OPEN_PREFIXES = ("/accounts/", "/logout/", "/static/", "/healthz")


def mfa_policy_applies(user) -> bool:
    """Whether the user's account requires a second factor of this user."""
    if not getattr(user, "is_authenticated", False) or user.account_id is None:
        return False
    policy = user.account.mfa_policy
    if policy == MfaPolicy.EVERYONE:
        return True
    if policy == MfaPolicy.ADMINS:
        return ROLE_RANK.get(user.role, -1) >= ROLE_RANK[Role.ADMIN]
    return False


def has_second_factor(user) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS).exists()


def mfa_enrolment_pending(user) -> bool:
    """Logged in, required to have a second factor, and without one yet."""
    return mfa_policy_applies(user) and not has_second_factor(user)


class MfaEnrolmentMiddleware:
    """Sends people who must enrol to the authenticator set-up, from any other page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The base page reads it: while pending, no live top bar (its socket and bell
        # would be refused and retried on every enrolment page).
        request.mfa_enrolment_pending = mfa_enrolment_pending(request.user)
        if not request.mfa_enrolment_pending or request.path.startswith(ENROLMENT_OPEN_PREFIXES):
            return self.get_response(request)
        target = reverse("mfa_activate_totp")
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        messages.warning(
            request,
            f"{request.user.account.name} requires two-factor authentication. "
            "Add an authenticator app (or a security key) to continue.",
        )
        return redirect(target)
