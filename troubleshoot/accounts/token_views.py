"""The API tokens page: your personal access tokens for the API.

A new token is shown once, in the answer to the POST that created it (never stored in
the session or a message); admins and owners also see and revoke the account's tokens.
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from troubleshoot.accounts import tokens as token_services
from troubleshoot.accounts.forms import ApiTokenForm
from troubleshoot.accounts.roles import is_admin_or_above, member_required
from troubleshoot.accounts.views import apply_errors

TEMPLATE = "troubleshoot/api_tokens.html"


def _context(request, **extra) -> dict:
    context = {
        "tokens": token_services.tokens_for_user(request.user),
        "account_tokens": (
            token_services.tokens_for_account(request.user.account_id)
            if is_admin_or_above(request.user)
            else None
        ),
        "form": ApiTokenForm(),
    }
    context.update(extra)
    return context


@member_required
@require_GET
def api_tokens(request):
    return render(request, TEMPLATE, _context(request))


@member_required
@require_POST
def token_create(request):
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        days = form.cleaned_data["expires_in_days"]
        expires_at = timezone.now() + timedelta(days=days) if days else None
        try:
            token, raw = token_services.token_create(
                actor=request.user, name=form.cleaned_data["name"], expires_at=expires_at
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            response = render(
                request, TEMPLATE, _context(request, new_token=token, new_token_value=raw)
            )
            response["Cache-Control"] = "no-store"
            return response
    return render(request, TEMPLATE, _context(request, form=form), status=400)


@member_required
@require_POST
def token_revoke(request, token_id: int):
    token = token_services.token_revoke(actor=request.user, token_id=token_id)
    messages.success(request, f"The token “{token.name}” is revoked: it no longer works.")
    return redirect("api_tokens")
