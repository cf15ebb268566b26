"""The delivery ledger for admins: every email, webhook post and PSA note, with Retry."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from notifications import selectors, services
from notifications.forms import DeliveryFilterForm
from notifications.models import Channel, Delivery, DeliveryStatus
from troubleshoot.accounts.roles import admin_required


@admin_required
@require_GET
def delivery_list(request):
    form = DeliveryFilterForm(request.GET)
    filters = form.filters()
    status, channel = filters["status"], filters["channel"]
    account_id = request.user.account_id
    page = selectors.deliveries_page_for_account(
        account_id, status=status, channel=channel, page=form.cleaned_data["page"]
    )
    counts = selectors.delivery_counts_for_account(account_id)
    filters = {k: v for k, v in (("status", status), ("channel", channel)) if v}
    context = {
        "page": page,
        "status": status,
        "channel": channel,
        "statuses": [(v, label, counts[v]) for v, label in DeliveryStatus.choices],
        "channels": Channel.choices,
        "query": urlencode(filters),
        "now": timezone.now(),
    }
    return render(request, "notifications/deliveries.html", context)


@admin_required
@require_POST
def delivery_retry(request, delivery_id: int):
    try:
        delivery = services.delivery_retry(actor=request.user, delivery_id=delivery_id)
    except Delivery.DoesNotExist as exc:
        raise Http404("No such delivery in your account.") from exc
    except ValidationError as exc:
        context = {"message": " ".join(exc.messages)}
        return render(request, "notifications/conflict.html", context, status=409)
    messages.success(request, f"{delivery.channel_label} to {delivery.target} queued again.")
    back = request.POST.get("next", "")
    if back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts=None):
        return redirect(back)
    return redirect("notifications:deliveries")
