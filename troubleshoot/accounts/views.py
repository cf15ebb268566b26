"""The account members page, the owner's sign-in settings and your profile.

Sign-in itself (login, sign-up, password reset, MFA, Microsoft) is django-allauth's,
wired in urls.py and signin.py; invitations are in invitation_views.py.
"""

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from troubleshoot.accounts import services as account_services
from troubleshoot.accounts.access import get_member_for_user
from troubleshoot.accounts.forms import (
    AccountTimeZoneForm,
    InvitationForm,
    MemberTeamForm,
    ProfileForm,
    RoleForm,
    SignInSettingsForm,
    TeamForm,
)
from troubleshoot.accounts.roles import (
    admin_required,
    is_admin_or_above,
    is_owner,
    member_required,
    owner_required,
)
from troubleshoot.accounts.selectors import (
    members_for_account,
    open_invitations_for_account,
    removed_members_for_account,
    teams_for_account,
)


def apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _members_context(request, **forms):
    account_id = request.user.account_id
    can_manage = is_admin_or_above(request.user)
    context = {
        "members": members_for_account(account_id),
        "teams": teams_for_account(account_id),
        "can_manage": can_manage,
        "can_change_roles": is_owner(request.user),
        "role_choices": RoleForm.base_fields["role"].choices,
        "invitations": open_invitations_for_account(account_id) if can_manage else [],
        "removed": removed_members_for_account(account_id) if is_owner(request.user) else [],
        "invitation_form": InvitationForm(account_id=account_id),
        "team_form": TeamForm(),
        "invitation_days": settings.BATON_INVITATION_DAYS,
        "signin_form": SignInSettingsForm(
            initial={
                "mfa_policy": request.user.account.mfa_policy,
                "sso_join_domain": request.user.account.sso_join_domain,
            }
        ),
        "time_zone_form": AccountTimeZoneForm(
            initial={"time_zone": request.user.account.time_zone}
        ),
    }
    context.update(forms)
    return context


def render_members(request, status: int = 200, **forms):
    """The members page; a failed form is passed in to show its errors."""
    context = _members_context(request, **forms)
    return render(request, "troubleshoot/members.html", context, status=status)


@member_required
def members(request):
    return render_members(request)


@admin_required
@require_POST
@reauthentication_required  # a role change is sensitive: password or second factor again
def member_role(request, member_id: int):
    member = get_member_for_user(request.user, member_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the listed roles.")
        return render_members(request, status=400)
    try:
        account_services.member_change_role(
            actor=request.user, member=member, role=form.cleaned_data["role"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return render_members(request, status=400)
    messages.success(request, f"{member.display_name} is now {member.get_role_display()}.")
    return redirect("members")


@admin_required
@require_POST
def member_team(request, member_id: int):
    member = get_member_for_user(request.user, member_id)
    form = MemberTeamForm(request.POST, account_id=request.user.account_id)
    if not form.is_valid():
        messages.error(request, "Choose one of your account's teams.")
        return render_members(request, status=400)
    team = form.cleaned_data["team"]
    account_services.member_change_team(actor=request.user, member=member, team=team)
    where = f"in {team.name}" if team else "in no team"
    messages.success(request, f"{member.display_name} is now {where}.")
    return redirect("members")


@admin_required
@require_POST
def member_remove(request, member_id: int):
    member = get_member_for_user(request.user, member_id)
    try:
        account_services.member_remove(actor=request.user, member=member)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return render_members(request, status=400)
    messages.success(request, f"{member.display_name} was removed.")
    return redirect("members")


@owner_required
@require_POST
def member_restore(request, member_id: int):
    try:
        member = account_services.member_restore(actor=request.user, member_id=member_id)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return render_members(request, status=404)
    messages.success(request, f"{member.display_name} is back, as {member.get_role_display()}.")
    return redirect("members")


@admin_required
@require_POST
def team_add(request):
    form = TeamForm(request.POST)
    if form.is_valid():
        try:
            account_services.team_create(actor=request.user, name=form.cleaned_data["name"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Team added.")
            return redirect("members")
    return render_members(request, status=400, team_form=form)


@admin_required
@require_POST
def account_time_zone(request):
    form = AccountTimeZoneForm(request.POST)
    if form.is_valid():
        zone = form.cleaned_data["time_zone"]
        account_services.account_set_time_zone(actor=request.user, time_zone=zone)
        messages.success(request, f"The account's time zone is now {zone}.")
        return redirect("members")
    return render_members(request, status=400, time_zone_form=form)


@member_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    form = ProfileForm(
        request.POST or None,
        initial={"display_name": user.display_name, "time_zone": user.time_zone},
        account_zone=user.account.time_zone,
    )
    if request.method == "POST" and form.is_valid():
        try:
            account_services.profile_update(
                user=user,
                display_name=form.cleaned_data["display_name"],
                time_zone=form.cleaned_data["time_zone"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("profile")
    status = 400 if request.method == "POST" else 200
    return render(request, "troubleshoot/profile.html", {"form": form}, status=status)


@owner_required
@require_POST
@reauthentication_required
def account_signin_settings(request):
    form = SignInSettingsForm(request.POST)
    if form.is_valid():
        try:
            account = account_services.account_set_signin_settings(
                actor=request.user,
                mfa_policy=form.cleaned_data["mfa_policy"],
                sso_join_domain=form.cleaned_data["sso_join_domain"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, f"Two-factor authentication: {account.get_mfa_policy_display()}."
            )
            return redirect("members")
    return render_members(request, status=400, signin_form=form)
