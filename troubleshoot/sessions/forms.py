"""Forms for starting and working sessions. Limits are stated in the help texts."""

import re

from django import forms

from troubleshoot.input.text import UserTextField
from troubleshoot.sessions.chat import MESSAGE_MAX
from troubleshoot.sessions.models import NOTE_MAX, PROBLEM_SUMMARY_MAX

TICKET_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-_/]{0,39}$")


def clean_psa_ticket(value: str) -> str:
    """Digits (12345) or a PSA's own format (T20240101.0042, INC0012345); '#' optional."""
    value = (value or "").strip().lstrip("#").strip()
    if not value:
        return ""
    if not TICKET_RE.match(value) or not any(c.isdigit() for c in value):
        raise forms.ValidationError(
            "Use the ticket number (digits, e.g. 12345) or your PSA's ticket format "
            "(e.g. T20240101.0042): letters, digits and . - _ / only, up to 40 characters."
        )
    return value


class SessionStartForm(forms.Form):
    # The ticket first: with a PSA connected, typing it fills the rest (the lookup
    # panel notifications adds through SESSION_START_PANELS).
    psa_ticket = UserTextField(
        max_length=41,
        required=False,
        label="PSA ticket",
        help_text="Optional: 12345 or your PSA's format.",
    )
    problem_summary = UserTextField(
        max_length=PROBLEM_SUMMARY_MAX,
        label="Problem summary",
        help_text=f"One line the team will recognise, up to {PROBLEM_SUMMARY_MAX} characters.",
        widget=forms.TextInput(attrs={"placeholder": "Outlook is not syncing new mail"}),
    )
    client_name = UserTextField(
        max_length=200, required=False, label="Client / company", help_text="Optional."
    )
    contact_name = UserTextField(
        max_length=200, required=False, label="Contact", help_text="Optional: who reported it."
    )
    ticket_priority = UserTextField(
        max_length=60,
        required=False,
        label="Ticket priority",
        help_text="Optional: as the PSA says.",
    )

    def clean_problem_summary(self):
        value = " ".join(self.cleaned_data["problem_summary"].split())
        if not value:
            raise forms.ValidationError("Describe the problem in a few words.")
        return value

    def clean_psa_ticket(self):
        return clean_psa_ticket(self.cleaned_data.get("psa_ticket", ""))


class SessionDetailsForm(SessionStartForm):
    """Correcting a session's details after it started: the summary, client and ticket."""

    field_order = ["problem_summary", "client_name", "psa_ticket"]
    contact_name = None
    ticket_priority = None


class ChatStartForm(SessionStartForm):
    first_message = UserTextField(
        required=False,
        max_length=MESSAGE_MAX,
        label="Describe what you see",
        help_text=f"Optional: symptoms, error text, what you tried. Up to {MESSAGE_MAX} chars.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AnswerForm(forms.Form):
    node = forms.IntegerField(min_value=1)
    option = forms.IntegerField(min_value=1)
    note = UserTextField(
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "What did you see? (optional)"}),
        help_text=f"Up to {NOTE_MAX} characters.",
    )


class NoteForm(forms.Form):
    note = UserTextField(
        max_length=NOTE_MAX,
        label="Add a note",
        help_text=f"Up to {NOTE_MAX} characters.",
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "Findings, error text, client feedback…"}
        ),
    )


class MessageForm(forms.Form):
    text = UserTextField(
        max_length=MESSAGE_MAX,
        label="Message",
        help_text=f"Up to {MESSAGE_MAX} characters.",
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "Describe the problem or what happened…"}
        ),
    )

    def clean_text(self):
        value = self.cleaned_data["text"].strip()
        if not value:
            raise forms.ValidationError("Write a message first.")
        return value


class ResolveForm(forms.Form):
    resolution_note = UserTextField(
        max_length=NOTE_MAX,
        label="What fixed it?",
        help_text=f"Goes into the documentation and the PSA note. Up to {NOTE_MAX} characters.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class StartTreeForm(forms.Form):
    tree = forms.IntegerField(min_value=1)
