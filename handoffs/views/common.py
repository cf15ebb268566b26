"""Turning domain errors into pages a person understands, and HTMX-aware redirects."""

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from handoffs.errors import HandoffError


def see_other(request, url: str) -> HttpResponse:
    """After a successful POST: 303 for a plain form, HX-Redirect for HTMX."""
    if getattr(request, "htmx", False):
        response = HttpResponse(status=200)
        response["HX-Redirect"] = url
        return response
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def problem(request, error: HandoffError, *, back_url: str = "") -> HttpResponse:
    """The error's sentence with its status (400/403/409); a fragment for HTMX."""
    context = {"message": error.message, "status": error.status_code, "back_url": back_url}
    template = (
        "handoffs/_problem.html" if getattr(request, "htmx", False) else "handoffs/problem.html"
    )
    return render(request, template, context, status=error.status_code)
