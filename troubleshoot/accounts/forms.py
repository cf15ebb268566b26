from django import forms

from troubleshoot.accounts.models import MfaPolicy, Role, Team
from troubleshoot.accounts.timezones import zone_choices
from troubleshoot.input.text import UserTextField

MAX_NAME = 80


def browser_time_zone_field() -> UserTextField:
    """Hidden; static/js/timezone.js fills it with the browser's zone. Unknown or
    missing values are dropped by the service (the account's default applies)."""
    return UserTextField(
        required=False,
        max_length=64,
        widget=forms.HiddenInput(attrs={"data-browser-time-zone": ""}),
    )


class SignupExtraForm(forms.Form):
    """What Baton asks at sign-up beside allauth's email and passwords.

    allauth's adapter (troubleshoot/accounts/signin.py) hands these to the
    account_signup service, which creates the MSP account with its owner.
    """

    account_name = UserTextField(label="Company (your MSP)", max_length=120)
    display_name = UserTextField(label="Your name", max_length=MAX_NAME)
    field_order = ["account_name", "display_name", "email", "password1", "password2"]
    time_zone = browser_time_zone_field()

    def signup(self, request, user) -> None:
        """allauth's hook after the user is saved; the service already did the work."""


class InvitationForm(forms.Form):
    display_name = UserTextField(label="Name", max_length=MAX_NAME)
    email = forms.EmailField()
    role = forms.ChoiceField(choices=Role.choices, initial=Role.ENGINEER)
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False)

    def __init__(self, *args, account_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this account's teams are valid choices: another account's team id is
        # rejected as "not one of the available choices".
        self.fields["team"].queryset = Team.objects.filter(account_id=account_id)


class InvitationAcceptForm(forms.Form):
    display_name = UserTextField(label="Your name", max_length=MAX_NAME)
    password = forms.CharField(widget=forms.PasswordInput, label="Choose a password")
    password_again = forms.CharField(widget=forms.PasswordInput, label="Password (again)")
    time_zone = browser_time_zone_field()

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", "The two passwords differ.")
        return data


class MemberTeamForm(forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False)

    def __init__(self, *args, account_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(account_id=account_id)


class ProfileForm(forms.Form):
    display_name = UserTextField(label="Your name", max_length=MAX_NAME)
    time_zone = forms.ChoiceField(label="Time zone", required=False)

    def __init__(self, *args, account_zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [
            ("", f"The account's default ({account_zone})"),
            *zone_choices(),
        ]
        self.fields["time_zone"].help_text = "Pages, emails and the bell show times in it."


class AccountTimeZoneForm(forms.Form):
    time_zone = forms.ChoiceField(
        label="Account time zone",
        help_text="For people who have not chosen one, and for PSA ticket notes.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = zone_choices()


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class TeamForm(forms.Form):
    name = UserTextField(max_length=80)


class SignInSettingsForm(forms.Form):
    mfa_policy = forms.ChoiceField(label="Two-factor authentication", choices=MfaPolicy.choices)
    sso_join_domain = UserTextField(
        label="Microsoft sign-in: let people of this email domain join",
        max_length=253,
        required=False,
        help_text="They join as viewers. Blank: only people you add here can sign in.",
    )


EXPIRY_CHOICES = [
    ("", "Never"),
    ("7", "In 7 days"),
    ("30", "In 30 days"),
    ("90", "In 90 days"),
    ("365", "In a year"),
]


class ApiTokenForm(forms.Form):
    name = UserTextField(
        max_length=80,
        label="Token name",
        help_text="What uses it, e.g. “PSA sync” or “queue dashboard”. Up to 80 characters.",
    )
    expires_in_days = forms.TypedChoiceField(
        label="Expires",
        choices=EXPIRY_CHOICES,
        required=False,
        coerce=int,
        empty_value=None,
    )
