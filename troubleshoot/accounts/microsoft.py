"""Sign in with Microsoft (Entra ID, OpenID Connect): who lands in which account.

allauth runs the OpenID Connect flow (discovery, PKCE, the token exchange, the ID
token's issuer, audience and expiry). Baton decides the rest:
- someone already in Baton (invited by an admin, or signed up) with the address
  Microsoft names is signed in as that person, in the account that added them;
- anyone else gets in only if an owner has let their email domain join the account
  (`Account.sso_join_domain`), as a viewer, and only after confirming the address by
  email (Entra does not vouch for the `email` claim); otherwise they are told to ask
  their admin for an invitation. No one self-joins a tenant by domain by default.

The deployment trusts one Entra tenant (BATON_MICROSOFT_TENANT): the ID token's
issuer must be that tenant's, so only its directory can vouch for an address.
"""

from allauth.account.utils import user_email
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter

from troubleshoot.accounts.models import Account, Role, User


def _email_domain(email: str) -> str:
    return email.rpartition("@")[2].lower()


def join_account_for(email: str) -> Account | None:
    """The account whose owner lets people of this email domain join, if any."""
    if not email or "@" not in email:
        return None
    return Account.objects.filter(sso_join_domain__iexact=_email_domain(email)).first()


class MicrosoftSignInAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request, sociallogin):
        if sociallogin.is_existing:
            return
        email = (user_email(sociallogin.user) or "").strip().lower()
        member = User.objects.filter(email__iexact=email, is_active=True).first()
        if email and member is not None:
            # The invited person: attach the Microsoft identity to them. Their account,
            # role and any second factor stay as they are.
            sociallogin.connect(request, member)

    def is_open_for_signup(self, request, sociallogin):
        return join_account_for(user_email(sociallogin.user) or "") is not None

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.email = (user.email or "").lower()
        user.display_name = (data.get("name") or user.email.partition("@")[0])[:80]
        return user

    def save_user(self, request, sociallogin, form=None):
        user = sociallogin.user
        user.account = join_account_for(user.email)
        user.role = Role.VIEWER  # least privilege; an admin promotes them
        return super().save_user(request, sociallogin, form=form)
