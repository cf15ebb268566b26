"""The bell: panel partial, full list, open (= mark read and go), mark all read."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from notifications import selectors, services
from troubleshoot.accounts.roles import member_required
from troubleshoot.input.params import page_number


def _panel_context(request) -> dict:
    return {
        "notifications": selectors.latest_notifications_for_user(request.user),
        "unread": selectors.unread_count_for_user(request.user),
    }


@member_required
@require_GET
def panel(request):
    """The HTMX panel (latest 20) with the badge swapped out-of-band: two queries."""
    return render(request, "notifications/bell.html#panel", _panel_context(request))


@member_required
@require_GET
def notification_list(request):
    page = selectors.notifications_page_for_user(request.user, page_number(request.GET))
    context = {"page": page, "unread": selectors.unread_count_for_user(request.user)}
    return render(request, "notifications/list.html", context)


@member_required
@require_POST
def notification_open(request, notification_id: int):
    notification = selectors.get_notification_for_user(request.user, notification_id)
    services.notification_mark_read(user=request.user, notification_id=notification.pk)
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return redirect(link)
    return redirect("notifications:list")


@member_required
@require_POST
def mark_all_read(request):
    count = services.notifications_mark_all_read(user=request.user)
    if request.htmx:
        return render(request, "notifications/bell.html#panel", _panel_context(request))
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} read.")
    return redirect("notifications:list")
