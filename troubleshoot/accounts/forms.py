from django import forms
from django.contrib.auth.forms import AuthenticationForm

from troubleshoot.accounts.models import Role, Team
from troubleshoot.input.text import UserTextField

MAX_NAME = 80


class LoginForm(AuthenticationForm):
    username = forms.EmailField(label="Email", widget=forms.EmailInput(attrs={"autofocus": True}))

    error_messages = {
        "invalid_login": "That email and password do not match an active account.",
        "inactive": "This account is inactive.",
    }


class SignupForm(forms.Form):
    account_name = UserTextField(label="Company (your MSP)", max_length=120)
    display_name = UserTextField(label="Your name", max_length=MAX_NAME)
    email = forms.EmailField()
    password = forms.CharField(widget=forms.PasswordInput, min_length=1)
    password_again = forms.CharField(widget=forms.PasswordInput, label="Password (again)")

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", "The two passwords differ.")
        return data


class MemberCreateForm(forms.Form):
    display_name = UserTextField(label="Name", max_length=MAX_NAME)
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
    name = UserTextField(max_length=80)
