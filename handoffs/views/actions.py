"""POST endpoints for the handoff lifecycle. Each parses, checks access, calls one
service and answers: 303 (or HX-Redirect) on success, the error's sentence with
400/403/409 otherwise."""

from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from handoffs import services
from handoffs.errors import HandoffError, HandoffValidationError
from handoffs.forms import HandoffForm, NoteForm, ReassignForm, ReescalateForm, ResolveForm
from handoffs.selectors import active_handoff_for_session, get_handoff_for_user
from handoffs.views.common import problem, see_other
from troubleshoot.accounts.roles import engineer_required
from troubleshoot.sessions.selectors import get_session_for_user


def _session_url(session_id: int) -> str:
    return reverse("troubleshoot:session_detail", args=[session_id])


def _pickup_url(session_id: int) -> str:
    return reverse("handoffs:pickup", args=[session_id])


@engineer_required
@require_http_methods(["GET", "POST"])
def handoff_form(request, session_id: int):
    """GET: the park / escalate form as a page (works without JavaScript).
    POST: create the handoff; 303 to the session page, 400 with the form on errors."""
    session = get_session_for_user(request.user, session_id, for_page=request.method == "GET")
    form = HandoffForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                handoff = services.handoff_create(
                    actor=request.user,
                    session_id=session.pk,
                    intent=data["intent"],
                    priority=data["priority"],
                    engineer_notes=data["engineer_notes"],
                    target_user_id=data["target_user"].pk if data["target_user"] else None,
                )
            except HandoffValidationError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            except HandoffError as exc:
                return problem(request, exc, back_url=_session_url(session.pk))
            else:
                verb = "escalated to the team" if handoff.intent == "escalate" else "parked"
                messages.success(request, f"Session {verb}.")
                return see_other(request, _session_url(session.pk))
        elif "target_user" in form.errors and request.POST.get("target_user") == str(
            request.user.pk
        ):
            # Yourself is not among the choices; say why rather than "invalid choice".
            form.errors["target_user"] = form.error_class(["You can't escalate to yourself."])
    context = {"session": session, "form": form}
    return render(request, "handoffs/handoff_form.html", context, status=status)


@engineer_required
@require_POST
def claim(request, handoff_id: int):
    handoff = get_handoff_for_user(request.user, handoff_id)
    try:
        services.handoff_claim(actor=request.user, handoff_id=handoff.pk)
    except HandoffError as exc:
        return problem(request, exc, back_url=reverse("handoffs:queue"))
    return see_other(request, _pickup_url(handoff.session_id))


def _simple_action(request, handoff_id: int, action, *, success: str, to_session: bool = False):
    handoff = get_handoff_for_user(request.user, handoff_id)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    if not form.is_valid():
        return problem(
            request,
            HandoffValidationError("Notes are too long."),
            back_url=_pickup_url(handoff.session_id),
        )
    try:
        action(actor=request.user, handoff_id=handoff.pk, note=note)
    except HandoffError as exc:
        return problem(request, exc, back_url=_pickup_url(handoff.session_id))
    messages.success(request, success)
    url = _session_url(handoff.session_id) if to_session else _pickup_url(handoff.session_id)
    return see_other(request, url)


@engineer_required
@require_POST
def release(request, handoff_id: int):
    return _simple_action(
        request, handoff_id, services.handoff_release, success="Put back in the queue."
    )


@engineer_required
@require_POST
def cancel(request, handoff_id: int):
    return _simple_action(
        request, handoff_id, services.handoff_cancel, success="It is yours again.", to_session=True
    )


@engineer_required
@require_POST
def resolve(request, handoff_id: int):
    handoff = get_handoff_for_user(request.user, handoff_id)
    form = ResolveForm(request.POST)
    back = _pickup_url(handoff.session_id)
    if not form.is_valid():
        return problem(request, HandoffValidationError("Notes are too long."), back_url=back)
    propose = form.cleaned_data["propose_tree_update"]
    try:
        resolved = services.handoff_resolve(
            actor=request.user,
            handoff_id=handoff.pk,
            note=form.cleaned_data["note"],
            propose_tree_update=propose,
        )
    except HandoffError as exc:
        return problem(request, exc, back_url=back)
    messages.success(request, "Resolved.")
    proposal = getattr(resolved, "tree_proposal", None)
    if proposal is not None:
        messages.info(
            request,
            f"A tree update was proposed in the draft of “{proposal.tree.title}”: "
            "its editors review it in the tree editor.",
        )
    elif propose:
        messages.warning(
            request,
            "No tree update was proposed: it needs a resolution note and a tree step "
            "that is still in the tree's draft.",
        )
    return see_other(request, back)


@engineer_required
@require_POST
def reassign(request, handoff_id: int):
    handoff = get_handoff_for_user(request.user, handoff_id)
    form = ReassignForm(request.POST, user=request.user)
    back = _pickup_url(handoff.session_id)
    if not form.is_valid():
        return problem(
            request, HandoffValidationError("Choose a teammate to hand it to."), back_url=back
        )
    try:
        services.handoff_reassign(
            actor=request.user,
            handoff_id=handoff.pk,
            to_user_id=form.cleaned_data["to_user"].pk,
            note=form.cleaned_data["note"],
        )
    except HandoffError as exc:
        return problem(request, exc, back_url=back)
    messages.success(request, f"Handed to {form.cleaned_data['to_user'].display_name}.")
    return see_other(request, back)


@engineer_required
@require_POST
def reescalate(request, handoff_id: int):
    handoff = get_handoff_for_user(request.user, handoff_id)
    form = ReescalateForm(request.POST)
    back = _pickup_url(handoff.session_id)
    if not form.is_valid():
        return problem(
            request, HandoffValidationError("Choose a priority from the list."), back_url=back
        )
    try:
        services.handoff_reescalate(
            actor=request.user,
            handoff_id=handoff.pk,
            priority=form.cleaned_data["priority"],
            note=form.cleaned_data["note"],
        )
    except HandoffError as exc:
        return problem(request, exc, back_url=back)
    messages.success(request, "Re-escalated: the team has been told again.")
    return see_other(request, back)


@engineer_required
@require_POST
def retry_assessment(request, handoff_id: int):
    handoff = get_handoff_for_user(request.user, handoff_id)
    try:
        services.handoff_request_assessment(actor=request.user, handoff_id=handoff.pk)
    except HandoffError as exc:
        return problem(request, exc, back_url=_pickup_url(handoff.session_id))
    if getattr(request, "htmx", False):
        handoff.refresh_from_db()
        return render(request, "handoffs/pickup.html#assessment", {"handoff": handoff})
    return see_other(request, _pickup_url(handoff.session_id))


def session_panel(request, session_id: int):
    """The park / escalate / claim state shown beside a session (HTMX partial)."""
    if not request.user.is_authenticated:
        return render(request, "handoffs/_session_panel_body.html", {}, status=403)
    session = get_session_for_user(request.user, session_id)
    handoff = active_handoff_for_session(session.pk, request.user.account_id)
    context = {
        "session": session,
        "handoff": handoff,
        "form": HandoffForm(user=request.user) if handoff is None else None,
    }
    return render(request, "handoffs/_session_panel_body.html", context)
