from django import forms

from troubleshoot.accounts.models import MfaPolicy, Role, Team

MAX_NAME = 80


class SignupExtraForm(forms.Form):
    """What Baton asks at sign-up beside allauth's email and passwords.

    allauth's adapter (troubleshoot/accounts/signin.py) hands these to the
    account_signup service, which creates the MSP account with its owner.
    """

    account_name = forms.CharField(label="Company (your MSP)", max_length=120)
    display_name = forms.CharField(label="Your name", max_length=MAX_NAME)
    field_order = ["account_name", "display_name", "email", "password1", "password2"]

    def signup(self, request, user) -> None:
        """allauth's hook after the user is saved; the service already did the work."""


class MemberCreateForm(forms.Form):
    display_name = forms.CharField(label="Name", max_length=MAX_NAME)
    email = forms.EmailField()
    role = forms.ChoiceField(choices=Role.choices, initial=Role.ENGINEER)
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False)
    password = forms.CharField(
        label="Initial password",
        widget=forms.PasswordInput,
        help_text="Share it with them; they can change it after logging in.",
    )

    def __init__(self, *args, account_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this account's teams are valid choices: another account's team id is
        # rejected as "not one of the available choices".
        self.fields["team"].queryset = Team.objects.filter(account_id=account_id)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class TeamForm(forms.Form):
    name = forms.CharField(max_length=80)


class SignInSettingsForm(forms.Form):
    mfa_policy = forms.ChoiceField(label="Two-factor authentication", choices=MfaPolicy.choices)
    sso_join_domain = forms.CharField(
        label="Microsoft sign-in: let people of this email domain join",
        max_length=253,
        required=False,
        help_text="They join as viewers. Blank: only people you add here can sign in.",
    )
