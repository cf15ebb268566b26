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
    form = QueueFilterForm(request.GET or None, teams=teams_for_account(request.user.account_id))
    filters = QueueFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = QueueFilters(
            intent=data["intent"] or "",
            priority=data["priority"] or "",
            team_id=data["team"].pk if data["team"] else None,
            targeted_to_me=data["mine"],
        )
    page = Paginator(queued_handoffs(request.user, filters), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    new_id = request.GET.get("new", "")
    return {
        "form": form,
        "page": page,
        "handoffs": list(page.object_list),
        "counts": queue_counts(request.user),
        "new_id": int(new_id) if new_id.isdigit() else None,
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
