"""The live team queue: page, list partial (re-fetched on events) and the nav count."""

from django.core.paginator import Paginator
from django.shortcuts import render

from handoffs.forms import QueueFilterForm
from handoffs.selectors import (
    QUEUE_PAGE_SIZE,
    QueueFilters,
    open_escalation_count,
    queue_counts,
    queued_handoffs,
)
from troubleshoot.accounts.roles import engineer_required, is_engineer_or_above, member_required
from troubleshoot.accounts.selectors import teams_for_account


def _queue_context(request) -> dict:
    """Filters a person cannot have meant (an unknown team, a page that is no number) are
    ignored, field by field: the list is re-fetched with the page's own query string."""
    form = QueueFilterForm(request.GET or None, teams=teams_for_account(request.user.account_id))
    valid = {}
    if form.is_bound:
        form.is_valid()
        valid = form.cleaned_data
    filters = QueueFilters(
        intent=valid.get("intent") or "",
        priority=valid.get("priority") or "",
        team_id=valid["team"].pk if valid.get("team") else None,
        targeted_to_me=bool(valid.get("mine")),
    )
    page = Paginator(queued_handoffs(request.user, filters), QUEUE_PAGE_SIZE).get_page(
        valid.get("page", 1)
    )
    return {
        "form": form,
        "page": page,
        "handoffs": list(page.object_list),
        "counts": queue_counts(request.user),
        "new_id": valid.get("new"),
        "query": request.GET.urlencode(),
    }


@engineer_required
def queue_page(request):
    return render(request, "handoffs/queue.html", _queue_context(request))


@engineer_required
def queue_list(request):
    return render(request, "handoffs/queue.html#queue-list", _queue_context(request))


@member_required
def queue_count(request):
    count = open_escalation_count(request.user) if is_engineer_or_above(request.user) else 0
    return render(request, "handoffs/_nav_queue.html#nav-count", {"queue_count": count})
