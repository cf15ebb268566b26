"""Availability in the top bar, the heartbeat of open tabs, desktop alerts, Web Push
subscriptions and the service worker."""

import re
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from notifications.forms import AvailabilityForm, PushSubscriptionForm, PushUnsubscribeForm
from notifications.reach import selectors, services
from troubleshoot.accounts.roles import engineer_required, member_required

EVENT_KEY = re.compile(r"^[a-z0-9-]{1,120}$")
SERVICE_WORKER = Path(settings.BASE_DIR) / "static" / "js" / "service-worker.js"


def _control(request, status=200):
    context = {"availability": selectors.availability_for_user(request.user)}
    return render(request, "notifications/_nav_reach.html#reach-control", context, status=status)


@member_required
@require_http_methods(["GET", "POST"])
def availability(request):
    """GET: the top bar's control. POST: set available / busy / away."""
    if request.method == "GET":
        return _control(request)
    form = AvailabilityForm(request.POST)
    if not form.is_valid():
        if request.htmx:
            return _control(request, status=400)
        return HttpResponseBadRequest("Choose available, busy or away.")
    services.availability_set(user=request.user, status=form.cleaned_data["status"])
    if request.htmx:
        return _control(request)
    messages.success(request, "Your availability was saved.")
    return redirect("notifications:preferences")


@member_required
@require_POST
def heartbeat(request):
    """A tab saw its person active (reach.js sends it about once a minute then)."""
    services.availability_heartbeat(user=request.user)
    return HttpResponse(status=204)


@engineer_required
@require_GET
def roster(request):
    """Who is available: the queue's side panel, re-fetched on availability events."""
    lines = selectors.roster_for_account(request.user.account_id)
    return render(request, "notifications/_roster.html#roster", {"roster": lines})


@member_required
@require_GET
def desktop_alert(request):
    """What the desktop alert for one event says, for this person: {"show": false}
    when their preferences (or availability) say no, or it is not theirs."""
    event_key = request.GET.get("event", "")
    if not EVENT_KEY.match(event_key):
        return JsonResponse({"error": "Unknown event."}, status=400)
    alert = selectors.desktop_alert_for_user(request.user, event_key)
    if alert is None:
        return JsonResponse({"show": False})
    return JsonResponse({"show": True, **alert})


@member_required
@require_POST
def push_subscribe(request):
    form = PushSubscriptionForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": "The browser's subscription was incomplete."}, status=400)
    try:
        subscription = services.push_subscribe(
            user=request.user,
            user_agent=request.headers.get("User-Agent", ""),
            **form.cleaned_data,
        )
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    return JsonResponse({"id": subscription.pk}, status=201)


@member_required
@require_POST
def push_unsubscribe(request):
    """reach.js posts the endpoint (204); the preferences page's Remove button posts
    the id (back to the page)."""
    form = PushUnsubscribeForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("That is not one of your browsers.")
    removed = services.push_unsubscribe(
        user=request.user,
        endpoint=form.cleaned_data["endpoint"],
        subscription_id=form.cleaned_data["id"],
    )
    if "id" in request.POST:
        if removed:
            messages.success(request, "That browser will get no more push notifications.")
        return redirect("notifications:preferences")
    return HttpResponse(status=204)


@require_GET
@never_cache
def service_worker(request):
    """The service worker, from the site's root so its scope can be the whole site
    (a worker under /static/ could only control /static/)."""
    response = HttpResponse(
        SERVICE_WORKER.read_text(), content_type="application/javascript; charset=utf-8"
    )
    response["Service-Worker-Allowed"] = "/"
    return response
