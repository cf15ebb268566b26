"""The account members page and the owner's two-factor setting.

Sign-in itself (login, sign-up, password reset, MFA, Microsoft) is django-allauth's,
wired in urls.py and signin.py.
"""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from troubleshoot.accounts import services as account_services
from troubleshoot.accounts.access import get_member_for_user
from troubleshoot.accounts.forms import MemberCreateForm, RoleForm, SignInSettingsForm, TeamForm
from troubleshoot.accounts.roles import (
    admin_required,
    is_admin_or_above,
    is_owner,
    member_required,
    owner_required,
)
from troubleshoot.accounts.selectors import members_for_account, teams_for_account


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _members_context(request, **forms):
    account_id = request.user.account_id
    context = {
        "members": members_for_account(account_id),
        "teams": teams_for_account(account_id),
        "can_manage": is_admin_or_above(request.user),
        "can_change_roles": is_owner(request.user),
        "role_choices": RoleForm.base_fields["role"].choices,
        "member_form": MemberCreateForm(account_id=account_id),
        "team_form": TeamForm(),
        "signin_form": SignInSettingsForm(
            initial={
                "mfa_policy": request.user.account.mfa_policy,
                "sso_join_domain": request.user.account.sso_join_domain,
            }
        ),
    }
    context.update(forms)
    return context


@member_required
def members(request):
    return render(request, "troubleshoot/members.html", _members_context(request))


@admin_required
@require_POST
def member_add(request):
    form = MemberCreateForm(request.POST, account_id=request.user.account_id)
    if form.is_valid():
        try:
            user = account_services.member_create(
                actor=request.user,
                display_name=form.cleaned_data["display_name"],
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                team=form.cleaned_data["team"],
                password=form.cleaned_data["password"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request, f"{user.display_name} was added as {user.get_role_display()}."
            )
            return redirect("members")
    context = _members_context(request, member_form=form)
    return render(request, "troubleshoot/members.html", context, status=400)


@admin_required
@require_POST
@reauthentication_required  # a role change is sensitive: password or second factor again
def member_role(request, member_id: int):
    member = get_member_for_user(request.user, member_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the listed roles.")
        return render(request, "troubleshoot/members.html", _members_context(request), status=400)
    try:
        account_services.member_change_role(
            actor=request.user, member=member, role=form.cleaned_data["role"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return render(request, "troubleshoot/members.html", _members_context(request), status=400)
    messages.success(request, f"{member.display_name} is now {member.get_role_display()}.")
    return redirect("members")


@admin_required
@require_POST
def member_remove(request, member_id: int):
    member = get_member_for_user(request.user, member_id)
    try:
        account_services.member_remove(actor=request.user, member=member)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return render(request, "troubleshoot/members.html", _members_context(request), status=400)
    messages.success(request, f"{member.display_name} was removed.")
    return redirect("members")


@admin_required
@require_POST
def team_add(request):
    form = TeamForm(request.POST)
    if form.is_valid():
        try:
            account_services.team_create(actor=request.user, name=form.cleaned_data["name"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Team added.")
            return redirect("members")
    context = _members_context(request, team_form=form)
    return render(request, "troubleshoot/members.html", context, status=400)


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
            _apply_errors(form, exc)
        else:
            messages.success(
                request, f"Two-factor authentication: {account.get_mfa_policy_display()}."
            )
            return redirect("members")
    context = _members_context(request, signin_form=form)
    return render(request, "troubleshoot/members.html", context, status=400)
