"""`/analytics/` and its CSV downloads: parse the filters, check access, read, render."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from handoffs.analytics import charts, tables
from handoffs.analytics.scope import build_scope
from handoffs.analytics.selectors import OUTCOMES, analytics_report
from troubleshoot.accounts.roles import member_required


@member_required
@require_GET
def analytics_page(request):
    form, scope, names = build_scope(request.user, request.GET)
    context = {"form": form, "scope": scope, "outcomes": OUTCOMES}
    if scope is None:
        return render(request, "handoffs/analytics/page.html", context, status=400)
    report = analytics_report(scope, names)
    context.update(
        report=report,
        query=scope.query_string(),
        rate_chart=charts.rate_chart(report.weeks, report.overall),
        outcome_chart=charts.outcome_chart(report.trees, OUTCOMES),
        timing_rows=tables.timing_rows(report, names.teams),
        team_name=names.teams.get(scope.team_id) if scope.team_id else None,
    )
    return render(request, "handoffs/analytics/page.html", context)


@member_required
@require_GET
def analytics_csv(request, table: str):
    if table not in tables.TABLES:
        raise Http404("No such table.")
    form, scope, names = build_scope(request.user, request.GET)
    if scope is None:
        errors = " ".join(e for errs in form.errors.values() for e in errs)
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    if table == "engineers" and not scope.whole_account:
        raise PermissionDenied("Per-engineer figures are for admins and owners.")
    filename, build, parts = tables.TABLES[table]
    report = analytics_report(scope, names, parts=frozenset(parts))
    headers, rows = build(report, names.teams) if table == "timings" else build(report)
    response = HttpResponse(tables.to_csv(headers, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="baton-{filename}-{scope.start_date}-{scope.end_date}.csv"'
    )
    return response
