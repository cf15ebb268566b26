"""allauth's security-key (WebAuthn) forms with a credential field that refuses hostile
JSON with a form error instead of a 500 (troubleshoot/input/json.py), and a key name
held to Baton's user-text rules. Wired through MFA_FORMS in the settings."""

from allauth.mfa.webauthn import forms as allauth_forms
from django import forms

from troubleshoot.input.json import SafeJSONField
from troubleshoot.input.text import UserTextField


def _credential() -> SafeJSONField:
    return SafeJSONField(required=True, widget=forms.HiddenInput)


class AddWebAuthnForm(allauth_forms.AddWebAuthnForm):
    name = UserTextField(required=False, max_length=100)
    credential = _credential()


class SignupWebAuthnForm(allauth_forms.SignupWebAuthnForm):
    name = UserTextField(required=False, max_length=100)
    credential = _credential()


class LoginWebAuthnForm(allauth_forms.LoginWebAuthnForm):
    credential = _credential()


class ReauthenticateWebAuthnForm(allauth_forms.ReauthenticateWebAuthnForm):
    credential = _credential()
