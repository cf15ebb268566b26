"""Two-way PSA on the engineer's pages: the ticket lookup of the new-session form,
what reached a session's ticket (session page, pickup screen) with Retry for
admins, the demo PSA's ticket page, and the write-back settings."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from notifications import selectors, services
from notifications.forms import PSAWritebackForm
from notifications.models import Channel, Delivery, Integration, IntegrationKind
from notifications.services.psa_lookup import ticket_link
from notifications.services.psa_writeback import psa_for_account
from notifications.transports.psa import demo
from troubleshoot.accounts.roles import (
    admin_required,
    engineer_required,
    is_admin_or_above,
    member_required,
)
from troubleshoot.models import Session
from troubleshoot.sessions.selectors import can_hear_session_events

TICKET_MAX = 41


@engineer_required
@require_GET
def psa_lookup(request):
    """The lookup's answer for the start form (HTMX): the values to fill, or why not."""
    ticket = (request.GET.get("psa_ticket") or request.GET.get("ticket") or "").strip()
    lookup = None
    if ticket and len(ticket) <= TICKET_MAX:
        lookup = services.psa_ticket_lookup(actor=request.user, ticket=ticket)
    return render(request, "notifications/_psa_lookup.html", {"lookup": lookup, "ticket": ticket})


def _session_or_404(user, session_id: int) -> Session:
    """Whoever hears the session's events (its page, its pickup screen) sees its writes."""
    if not can_hear_session_events(user, session_id):
        raise Http404("No such session.")
    return Session.objects.get(pk=session_id, account_id=user.account_id)


def _writes_context(request, session: Session, **extra) -> dict:
    integration = psa_for_account(session.account_id)
    return {
        "session": session,
        "writes": selectors.psa_writes_for_session(
            account_id=session.account_id, session_id=session.pk
        ),
        "integration": integration,
        "demo": integration is not None and integration.kind == IntegrationKind.DEMO_PSA,
        "ticket_url": ticket_link(integration, session.psa_ticket) if session.psa_ticket else "",
        "can_retry": is_admin_or_above(request.user),
        **extra,
    }


@member_required
@require_GET
def psa_session_writes(request, session_id: int):
    session = _session_or_404(request.user, session_id)
    return render(request, "notifications/_psa_writes.html", _writes_context(request, session))


@admin_required
@require_POST
def psa_write_retry(request, delivery_id: int):
    delivery = (
        Delivery.objects.filter(
            pk=delivery_id, account_id=request.user.account_id, channel=Channel.PSA
        )
        .only("pk", "payload")
        .first()
    )
    session_id = (delivery.payload or {}).get("session_id") if delivery else None
    if not isinstance(session_id, int):
        raise Http404("No such PSA write.")
    session = _session_or_404(request.user, session_id)
    error = ""
    try:
        services.delivery_retry(actor=request.user, delivery_id=delivery.pk)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    except PermissionDenied as exc:  # pragma: no cover - admin_required ran first
        raise Http404("No such PSA write.") from exc
    if request.htmx:
        context = _writes_context(request, session, error=error)
        return render(
            request, "notifications/_psa_writes.html", context, status=409 if error else 200
        )
    (messages.error if error else messages.success)(request, error or "Sending it again.")
    return redirect("troubleshoot:session_detail", session_id=session.pk)


@engineer_required
@require_GET
def psa_demo_ticket(request, ticket: int):
    """The demo PSA's ticket page: the ticket and what Baton wrote to it."""
    integration = psa_for_account(request.user.account_id)
    if integration is None or integration.kind != IntegrationKind.DEMO_PSA:
        raise Http404("This account has no demo PSA.")
    if ticket not in demo.TICKETS:
        raise Http404("The demo PSA has no such ticket.")
    writes = list(
        Delivery.objects.filter(
            account_id=request.user.account_id,
            channel=Channel.PSA,
            integration=integration,
            target=str(ticket),
        ).order_by("created_at", "id")[:100]
    )
    return render(
        request,
        "notifications/psa_demo_ticket.html",
        {"ticket": demo.TICKETS[ticket], "writes": writes},
    )


@admin_required
@require_POST
def psa_writeback_settings(request):
    form = PSAWritebackForm(request.POST, prefix="writeback")
    if form.is_valid():
        try:
            services.psa_writeback_settings_save(actor=request.user, **form.cleaned_data)
        except Integration.DoesNotExist as exc:
            raise Http404("Connect a PSA first.") from exc
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "PSA write-back settings saved.")
            return redirect("notifications:integrations")
    from notifications.views.settings import _render

    return _render(request, status=400, writeback_form=form)
