"""Account settings for admins: Slack, Teams, PSA, unclaimed timeout, "Send test"."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from notifications import selectors, services
from notifications.forms import PSAForm, PSAWritebackForm, TimeoutForm, WebhookForm
from notifications.models import Integration, IntegrationKind
from troubleshoot.accounts.roles import admin_required
from troubleshoot.accounts.services import account_update_settings

SLOTS = ("slack", "teams", "psa")


def _forms(request, **bound) -> dict:
    integrations = selectors.integrations_for_account(request.user.account_id)
    psa = integrations.get("psa")
    psa_initial = {"kind": psa.kind, **psa.config} if psa else {}
    if psa:
        psa_initial["base_url"] = next(
            (psa.config.get(k) for k in ("site", "zone_url", "url") if psa.config.get(k)), ""
        )

    def webhook(kind):
        return WebhookForm(kind=kind, has_secret=kind in integrations, prefix=kind)

    forms = {
        "slack_form": webhook(IntegrationKind.SLACK),
        "teams_form": webhook(IntegrationKind.TEAMS),
        "psa_form": PSAForm(initial=psa_initial, prefix="psa"),
        "writeback_form": PSAWritebackForm(
            initial={k: psa.config.get(k) for k in ("time_entries", "time_as", "resolved_status")}
            if psa
            else {},
            prefix="writeback",
        ),
        "timeout_form": TimeoutForm(
            initial={"unclaimed_timeout_minutes": request.user.account.unclaimed_timeout_minutes}
        ),
    }
    forms.update(bound)
    return {"integrations": integrations, **forms}


def _render(request, status=200, **context):
    return render(
        request, "notifications/integrations.html", _forms(request, **context), status=status
    )


def _slot_or_404(slot: str) -> str:
    if slot not in SLOTS:
        raise Http404("No such integration.")
    return slot


def _apply_errors(form, exc: ValidationError, field_for_key: dict | None = None) -> None:
    field_for_key = field_for_key or {}
    for key, errors in exc.message_dict.items():
        field = field_for_key.get(key, key)
        form.add_error(field if field in form.fields else None, errors)


@admin_required
@require_GET
def integrations(request):
    return _render(request)


@admin_required
@require_POST
@reauthentication_required  # integration secrets: password or second factor again
def integration_save(request, slot: str):
    _slot_or_404(slot)
    if slot == "psa":
        form = PSAForm(request.POST, prefix="psa")
        form_name, field_map = "psa_form", PSAForm.FIELD_FOR_KEY
    else:
        form = WebhookForm(request.POST, kind=slot, prefix=slot)
        form_name, field_map = f"{slot}_form", {}
    if form.is_valid():
        config, secrets = form.config_and_secrets()
        kind = form.cleaned_data.get("kind", slot)
        try:
            integration = services.integration_save(
                actor=request.user, kind=kind, config=config, secrets=secrets
            )
        except ValidationError as exc:
            _apply_errors(form, exc, field_map)
        else:
            messages.success(request, f"{integration.get_kind_display()} saved and turned on.")
            return redirect("notifications:integrations")
    return _render(request, status=400, **{form_name: form})


@admin_required
@require_POST
def integration_test(request, slot: str):
    _slot_or_404(slot)
    try:
        ok, message = services.integration_send_test(actor=request.user, slot=slot)
    except Integration.DoesNotExist as exc:
        raise Http404("Set this integration up first.") from exc
    context = {"slot": slot, "ok": ok, "message": message}
    if request.htmx:
        return render(request, "notifications/integrations.html#test_result", context)
    (messages.success if ok else messages.error)(request, f"Test: {message}")
    return redirect("notifications:integrations")


@admin_required
@require_POST
@reauthentication_required  # integration secrets: password or second factor again
def integration_remove(request, slot: str):
    _slot_or_404(slot)
    if services.integration_remove(actor=request.user, slot=slot):
        messages.success(request, "Integration removed.")
    return redirect("notifications:integrations")


@admin_required
@require_POST
def unclaimed_timeout(request):
    form = TimeoutForm(request.POST)
    if form.is_valid():
        try:
            account_update_settings(
                actor=request.user,
                unclaimed_timeout_minutes=form.cleaned_data["unclaimed_timeout_minutes"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Unclaimed-escalation timeout saved.")
            return redirect("notifications:integrations")
    return _render(request, status=400, timeout_form=form)
