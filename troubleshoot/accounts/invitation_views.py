"""Invitations: admins invite, re-send and revoke on the members page; the invited
person opens /invitations/<token>/, sets a password and lands in their account."""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from troubleshoot.accounts import invitations
from troubleshoot.accounts.forms import InvitationAcceptForm, InvitationForm
from troubleshoot.accounts.models import Invitation
from troubleshoot.accounts.roles import admin_required
from troubleshoot.accounts.views import apply_errors, render_members


@admin_required
@require_POST
def invitation_create(request):
    form = InvitationForm(request.POST, account_id=request.user.account_id)
    if form.is_valid():
        try:
            invitation = invitations.invitation_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _sent_message(invitation, "invited"))
            return redirect("members")
    return render_members(request, status=400, invitation_form=form)


def _sent_message(invitation: Invitation, verb: str) -> str:
    invitation.refresh_from_db(fields=["sent_at", "send_error"])
    if invitation.send_error or invitation.sent_at is None:
        reason = invitation.send_error or "it could not be sent"
        return (
            f"{invitation.display_name} was {verb}, but the email did not leave: "
            f"{reason}. Re-send it when the mail server is back."
        )
    return f"{invitation.display_name} was {verb}: an email with their link is on its way."


def _manage(request, invitation_id: int, action, verb: str):
    # Another account's invitation answers 404, like every row of another account.
    invitation = get_object_or_404(Invitation, pk=invitation_id, account_id=request.user.account_id)
    try:
        action(actor=request.user, invitation_id=invitation.pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return render_members(request, status=409)
    if verb == "revoked":
        messages.success(request, f"The invitation for {invitation.email} was revoked.")
    else:
        messages.success(request, _sent_message(invitation, verb))
    return redirect("members")


@admin_required
@require_POST
def invitation_resend(request, invitation_id: int):
    return _manage(request, invitation_id, invitations.invitation_resend, "invited again")


@admin_required
@require_POST
def invitation_revoke(request, invitation_id: int):
    return _manage(request, invitation_id, invitations.invitation_revoke, "revoked")


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request, token: str):
    try:
        invitation = invitations.invitation_for_token(token)
    except invitations.InvitationUnusable as exc:
        context = {"message": exc.message}
        return render(request, "troubleshoot/invitation_unusable.html", context, status=exc.status)
    form = InvitationAcceptForm(
        request.POST or None, initial={"display_name": invitation.display_name}
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.invitation_accept(
                token=token,
                display_name=form.cleaned_data["display_name"],
                password=form.cleaned_data["password"],
                time_zone=form.cleaned_data["time_zone"],
            )
        except invitations.InvitationUnusable as exc:
            context = {"message": exc.message}
            return render(
                request, "troubleshoot/invitation_unusable.html", context, status=exc.status
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if request.user.is_authenticated:
                logout(request)  # someone else was signed in on this browser
            login(request, user, backend="troubleshoot.accounts.auth_backends.EmailBackend")
            messages.success(
                request, f"Welcome to {invitation.account.name}, {user.get_short_name()}."
            )
            return redirect("home")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "invitation": invitation}
    return render(request, "troubleshoot/invitation_accept.html", context, status=status)
