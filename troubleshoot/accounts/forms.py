from django import forms
from django.contrib.auth.forms import AuthenticationForm

from troubleshoot.accounts.models import Role, Team
from troubleshoot.accounts.timezones import zone_choices

MAX_NAME = 80


class LoginForm(AuthenticationForm):
    username = forms.EmailField(label="Email", widget=forms.EmailInput(attrs={"autofocus": True}))

    error_messages = {
        "invalid_login": "That email and password do not match an active account.",
        "inactive": "This account is inactive.",
    }


def browser_time_zone_field() -> forms.CharField:
    """Hidden; static/js/timezone.js fills it with the browser's zone. Unknown or
    missing values are dropped by the service (the account's default applies)."""
    return forms.CharField(
        required=False,
        max_length=64,
        widget=forms.HiddenInput(attrs={"data-browser-time-zone": ""}),
    )


class SignupForm(forms.Form):
    account_name = forms.CharField(label="Company (your MSP)", max_length=120)
    display_name = forms.CharField(label="Your name", max_length=MAX_NAME)
    email = forms.EmailField()
    password = forms.CharField(widget=forms.PasswordInput, min_length=1)
    password_again = forms.CharField(widget=forms.PasswordInput, label="Password (again)")
    time_zone = browser_time_zone_field()

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", "The two passwords differ.")
        return data


class InvitationForm(forms.Form):
    display_name = forms.CharField(label="Name", max_length=MAX_NAME)
    email = forms.EmailField()
    role = forms.ChoiceField(choices=Role.choices, initial=Role.ENGINEER)
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False)

    def __init__(self, *args, account_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this account's teams are valid choices: another account's team id is
        # rejected as "not one of the available choices".
        self.fields["team"].queryset = Team.objects.filter(account_id=account_id)


class InvitationAcceptForm(forms.Form):
    display_name = forms.CharField(label="Your name", max_length=MAX_NAME)
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
    display_name = forms.CharField(label="Your name", max_length=MAX_NAME)
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
    name = forms.CharField(max_length=80)
