"""Who may see the analytics, and what one request asks for: a period, a team, a tree.

Everything the page reads goes through a `Scope`, built here from the request's user
and query string: the account is always the user's own, an engineer's team is forced
to their own, and a team or tree id is accepted only from the account's own lists (an
id of another account's team is a form error, never a filter).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from troubleshoot.accounts.roles import is_admin_or_above, is_engineer_or_above
from troubleshoot.models import Team, Tree

DEFAULT_DAYS = 30
MAX_DAYS = 366


def can_see_analytics(user) -> bool:
    """Admins and owners see the whole account; an engineer sees their team's."""
    if is_admin_or_above(user):
        return True
    return is_engineer_or_above(user) and user.team_id is not None


def check_access(user) -> None:
    """403 with a sentence for anyone who may not open the page."""
    if is_admin_or_above(user) or can_see_analytics(user):
        return
    if is_engineer_or_above(user):
        raise PermissionDenied(
            "Analytics show an engineer their team's numbers, and you are not on a team. "
            "Ask an admin to add you to one."
        )
    raise PermissionDenied("Analytics are for engineers, admins and owners.")


@dataclass(frozen=True)
class Scope:
    account_id: int
    start_date: date
    end_date: date  # inclusive, in the reader's zone
    team_id: int | None = None
    tree_id: int | None = None
    # Admins and owners: per-engineer figures and every team.
    whole_account: bool = False

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start_date, time.min))

    @property
    def end(self) -> datetime:
        """Exclusive: the start of the day after `end_date`."""
        return timezone.make_aware(datetime.combine(self.end_date + timedelta(days=1), time.min))

    def query_string(self) -> str:
        from urllib.parse import urlencode

        params = {"start": self.start_date.isoformat(), "end": self.end_date.isoformat()}
        if self.team_id and self.whole_account:
            params["team"] = self.team_id
        if self.tree_id:
            params["tree"] = self.tree_id
        return urlencode(params)


class AnalyticsFilterForm(forms.Form):
    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    team = forms.TypedChoiceField(label="Team", required=False, coerce=int, empty_value=None)
    tree = forms.TypedChoiceField(label="Tree", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, teams: list[Team], trees: list[Tree], team_locked: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "All teams")] + [(t.pk, t.name) for t in teams]
        self.fields["tree"].choices = [("", "All trees and AI chats")] + [
            (t.pk, f"{t.title} (archived)" if t.archived_at else t.title) for t in trees
        ]
        if team_locked:
            # An engineer's view is their team's: the field shows it, cannot change it.
            self.fields["team"].disabled = True

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        end = data.get("end") or today
        start = data.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
        if "start" in self.errors or "end" in self.errors:
            return data
        if start > end:
            raise forms.ValidationError("The start date is after the end date.")
        if (end - start).days + 1 > MAX_DAYS:
            raise forms.ValidationError(f"Choose a period of at most {MAX_DAYS} days.")
        data["start"], data["end"] = start, end
        return data


@dataclass(frozen=True)
class Names:
    """The account's team names and trees by id, read once for the form's choices and
    reused to label the tables."""

    teams: dict
    trees: dict


def build_scope(user, params) -> tuple[AnalyticsFilterForm, Scope | None, Names]:
    """The filter form (bound to `params`), the scope it gives (None with the form's
    errors) and the names. Two queries: the account's teams and trees."""
    check_access(user)
    whole = is_admin_or_above(user)
    teams = list(Team.objects.filter(account_id=user.account_id).order_by("name"))
    trees = list(
        Tree.objects.filter(account_id=user.account_id)
        .only("id", "title", "archived_at")
        .order_by("title")
    )
    data = params.copy() if params else {}
    if not whole:
        data["team"] = user.team_id
    form = AnalyticsFilterForm(
        data, teams=teams, trees=trees, team_locked=not whole, initial={"team": user.team_id}
    )
    names = Names(teams={t.pk: t.name for t in teams}, trees={t.pk: t for t in trees})
    if not form.is_valid():
        return form, None, names
    cleaned = form.cleaned_data
    # The fields show the period in use, defaults included.
    form.data = form.data.copy()
    form.data["start"], form.data["end"] = cleaned["start"].isoformat(), cleaned["end"].isoformat()
    scope = Scope(
        account_id=user.account_id,
        start_date=cleaned["start"],
        end_date=cleaned["end"],
        team_id=cleaned.get("team") if whole else user.team_id,
        tree_id=cleaned.get("tree"),
        whole_account=whole,
    )
    return form, scope, names
