from django import forms

from handoffs.models import NOTES_MAX, Intent, Priority
from notifications.reach.selectors import STATUS_ORDER, roster_for_account
from troubleshoot.accounts.selectors import engineers_for_account
from troubleshoot.input.params import IdField, PageField
from troubleshoot.input.text import UserTextField


class _AvailableFirst(forms.models.ModelChoiceIterator):
    """Teammates available now first, then busy, then away, each labelled so: a
    targeted escalation should go to someone who will see it. The availability is
    read only when the choices are shown, never when a posted choice is checked."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        roster = {line.user_id: line for line in roster_for_account(self.field.account_id)}
        self.field.roster = roster
        people = sorted(
            self.queryset,
            key=lambda u: (
                STATUS_ORDER.get(getattr(roster.get(u.pk), "status", ""), 2),
                u.display_name,
            ),
        )
        for person in people:
            yield self.choice(person)


class TeammateByAvailabilityField(forms.ModelChoiceField):
    iterator = _AvailableFirst
    account_id = None
    roster: dict = {}

    def label_from_instance(self, obj):
        line = self.roster.get(obj.pk)
        return f"{obj.display_name} · {line.label.lower()}" if line else obj.display_name


class HandoffForm(forms.Form):
    intent = forms.ChoiceField(
        choices=Intent.choices,
        initial=Intent.ESCALATE,
        widget=forms.RadioSelect,
        help_text="Park keeps it private until you or a teammate pick it up; escalate rings "
        "the team now.",
    )
    priority = forms.ChoiceField(choices=Priority.choices, initial=Priority.NORMAL)
    engineer_notes = UserTextField(
        label="Notes for whoever picks it up",
        required=False,
        max_length=NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "What you suspect, what to avoid…"}),
        help_text=f"At most {NOTES_MAX} characters.",
    )
    target_user = TeammateByAvailabilityField(
        label="For someone in particular? (optional)",
        queryset=None,
        required=False,
        empty_label="Anyone on the team",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Teammates who can take it; yourself is not offered (and refused if posted).
        self.fields["target_user"].queryset = engineers_for_account(
            user.account_id, exclude_user_id=user.pk
        )
        self.fields["target_user"].account_id = user.account_id


class NoteForm(forms.Form):
    note = UserTextField(required=False, max_length=NOTES_MAX, widget=forms.Textarea)


class ResolveForm(NoteForm):
    propose_tree_update = forms.BooleanField(required=False)


class ReassignForm(forms.Form):
    to_user = forms.ModelChoiceField(
        queryset=None, label="Hand it to", empty_label="Choose a teammate…"
    )
    note = UserTextField(required=False, max_length=NOTES_MAX)

    def __init__(self, *args, user, exclude_user_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = engineers_for_account(
            user.account_id, exclude_user_id=exclude_user_id
        )


class ReescalateForm(forms.Form):
    priority = forms.ChoiceField(choices=Priority.choices)
    note = UserTextField(required=False, max_length=NOTES_MAX)


class QueueFilterForm(forms.Form):
    intent = forms.ChoiceField(
        choices=[("", "Parked and escalated"), *Intent.choices], required=False
    )
    priority = forms.ChoiceField(choices=[("", "Any priority"), *Priority.choices], required=False)
    team = forms.ModelChoiceField(queryset=None, required=False, empty_label="All teams")
    mine = forms.BooleanField(required=False, label="Targeted to me")
    # Not filters: the page to show and the card that just arrived (highlighted).
    page = PageField()
    new = IdField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
