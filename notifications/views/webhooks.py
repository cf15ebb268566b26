"""The outgoing webhooks page for admins: register, ping, turn off or on, rotate the
secret, delete. The secret is shown once, in the answer to the POST that made it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from notifications import selectors, services
from notifications.forms import OutgoingWebhookForm
from notifications.views.settings import _apply_errors
from troubleshoot.accounts.roles import admin_required

TEMPLATE = "notifications/webhooks.html"
ACTIONS = ("ping", "enable", "disable", "rotate", "delete")


def _render(request, *, status=200, **extra):
    context = {
        "webhooks": selectors.webhooks_for_account(request.user.account_id),
        "form": OutgoingWebhookForm(),
    }
    context.update(extra)
    response = render(request, TEMPLATE, context, status=status)
    if "shown_secret" in extra:
        response["Cache-Control"] = "no-store"
    return response


@admin_required
@require_GET
def webhook_list(request):
    return _render(request)


@admin_required
@require_POST
def webhook_add(request):
    form = OutgoingWebhookForm(request.POST)
    if form.is_valid():
        try:
            webhook = services.webhook_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                _apply_errors(form, exc)
            else:
                form.add_error(None, exc.messages)
        else:
            return _render(request, shown_secret=webhook)
    return _render(request, status=400, form=form)


@admin_required
@require_POST
def webhook_action(request, webhook_id: int, action: str):
    if action not in ACTIONS:
        raise Http404("No such action.")
    webhook = selectors.get_webhook_for_account(request.user.account_id, webhook_id)
    if action == "ping":
        services.webhook_ping(actor=request.user, webhook_id=webhook.pk)
        messages.success(request, "Ping sent: its outcome shows in Deliveries.")
    elif action in ("enable", "disable"):
        services.webhook_update(
            actor=request.user, webhook_id=webhook.pk, enabled=action == "enable"
        )
        messages.success(request, f"Webhook {'on' if action == 'enable' else 'off'}.")
    elif action == "rotate":
        webhook = services.webhook_rotate_secret(actor=request.user, webhook_id=webhook.pk)
        return _render(request, shown_secret=webhook)
    elif action == "delete":
        services.webhook_delete(actor=request.user, webhook_id=webhook.pk)
        messages.success(request, "Webhook deleted.")
    return redirect("notifications:webhooks")
