"""Sign-in settings (django-allauth: accounts, email verification, rate limits, MFA,
Sign in with Microsoft), imported by base.py. Only env-driven values live here."""

from config.settings.env import env, env_int

ACCOUNT_ADAPTER = "troubleshoot.accounts.signin.BatonAccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "troubleshoot.accounts.forms.SignupExtraForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# A sign-up or a changed address counts once its owner clicks the emailed link; login
# answers and sign-up never tell whether an address has an account.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 2
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Baton] "
ACCOUNT_LOGOUT_REDIRECT_URL = "login"
ACCOUNT_SESSION_REMEMBER = None  # a "Remember me" box on the login form
ACCOUNT_REAUTHENTICATION_TIMEOUT = env_int("BATON_REAUTH_SECONDS", 300)
# Password reset links are single-use (the token includes the password hash and the
# last login) and expire after PASSWORD_RESET_TIMEOUT seconds.
PASSWORD_RESET_TIMEOUT = env_int("BATON_PASSWORD_RESET_SECONDS", 3600)
# Every limit lives in the cache (Redis in production, so every process shares it).
# Attempts are counted before the password is checked, under a cache lock, so
# concurrent guesses cannot slip past the limit, and the hashing work anonymous
# traffic can cause stays bounded per address and per client.
ACCOUNT_RATE_LIMITS = {
    "login": env("BATON_RATE_LOGIN", "30/m/ip"),
    "login_failed": env("BATON_RATE_LOGIN_FAILED", "20/5m/ip,5/5m/key"),
    "signup": env("BATON_RATE_SIGNUP", "10/10m/ip"),
    "reset_password": env("BATON_RATE_RESET_PASSWORD", "10/10m/ip,3/10m/key"),
    "reset_password_from_key": "20/m/ip",
}
# Behind a reverse proxy the client's address comes from X-Forwarded-For: set how many
# proxies in front of Baton append to it (0: use the socket's address).
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("BATON_TRUSTED_PROXY_COUNT", 0)

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "Baton"
MFA_TOTP_TOLERANCE = 1  # one 30 s step either way, for phone clocks a little off
MFA_PASSKEY_LOGIN_ENABLED = True
# The security-key forms with a credential field hostile JSON cannot turn into a 500.
MFA_FORMS = {
    "add_webauthn": "troubleshoot.accounts.webauthn_forms.AddWebAuthnForm",
    "signup_webauthn": "troubleshoot.accounts.webauthn_forms.SignupWebAuthnForm",
    "login_webauthn": "troubleshoot.accounts.webauthn_forms.LoginWebAuthnForm",
    "reauthenticate_webauthn": "troubleshoot.accounts.webauthn_forms.ReauthenticateWebAuthnForm",
}

SOCIALACCOUNT_ADAPTER = "troubleshoot.accounts.microsoft.MicrosoftSignInAdapter"
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # Baton matches invited people itself
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_STORE_TOKENS = False
# Sign in with Microsoft (Entra ID, OpenID Connect), per deployment. The tenant is your
# directory's ID: the ID token's issuer must match it.
BATON_MICROSOFT_CLIENT_ID = env("BATON_MICROSOFT_CLIENT_ID")
BATON_MICROSOFT_TENANT = env("BATON_MICROSOFT_TENANT")
# Tests point the discovery URL at a local fake provider.
BATON_MICROSOFT_SERVER_URL = env(
    "BATON_MICROSOFT_SERVER_URL",
    f"https://login.microsoftonline.com/{BATON_MICROSOFT_TENANT}/v2.0"
    if BATON_MICROSOFT_TENANT
    else "",
)
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": (
            [
                {
                    "provider_id": "microsoft",
                    "name": "Microsoft",
                    "client_id": BATON_MICROSOFT_CLIENT_ID,
                    "secret": env("BATON_MICROSOFT_CLIENT_SECRET"),
                    "settings": {
                        "server_url": BATON_MICROSOFT_SERVER_URL,
                        "scope": ["openid", "profile", "email"],
                    },
                }
            ]
            if BATON_MICROSOFT_CLIENT_ID and BATON_MICROSOFT_SERVER_URL
            else []
        ),
    }
}
