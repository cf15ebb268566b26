"""Session pages: the list, starting a session, the session page and its actions,
export. Each view parses, checks access, calls one service, renders."""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from troubleshoot.accounts.roles import engineer_required, member_required
from troubleshoot.sessions import services as session_services
from troubleshoot.sessions.documentation import format_duration, session_document, time_spent
from troubleshoot.sessions.forms import (
    AnswerForm,
    ChatStartForm,
    NoteForm,
    ResolveForm,
    SessionDetailsForm,
    SessionStartForm,
    StartTreeForm,
)
from troubleshoot.sessions.models import SessionKind, SessionStatus
from troubleshoot.sessions.selectors import (
    can_correct_session_details,
    get_session_for_user,
    session_with_steps,
    sessions_for_user,
)
from troubleshoot.sessions.views.context import session_context
from troubleshoot.trees.selectors import get_tree_for_user

DETAIL = "troubleshoot/session_detail.html"
LIST_FILTERS = [("open", "Open"), ("resolved", "Resolved"), ("all", "All")]


def workspace_response(request, session_id: int, *, status: int = 200, **extra):
    """After an action: the workspace partial for htmx, else back to the page (PRG);
    an error re-renders the page with the sentence and the status."""
    session = get_session_for_user(request.user, session_id)
    if status == 200 and not request.htmx:
        return redirect("troubleshoot:session_detail", session_id=session.pk)
    context = session_context(request, session, **extra)
    template = f"{DETAIL}#workspace" if request.htmx else DETAIL
    return render(request, template, context, status=status)


def session_action(view):
    """Turn the services' domain errors into the sentence on the page, with 400/403/409."""

    @wraps(view)
    def wrapper(request, session_id: int, *args, **kwargs):
        get_session_for_user(request.user, session_id)  # 404 before anything else
        try:
            return view(request, session_id, *args, **kwargs)
        except session_services.StepRejected as exc:
            return workspace_response(request, session_id, status=400, error=str(exc))
        except session_services.SessionConflict as exc:
            return workspace_response(request, session_id, status=409, error=str(exc))
        except PermissionDenied as exc:
            return workspace_response(request, session_id, status=403, error=str(exc))

    return wrapper


@member_required
@require_GET
def session_list(request):
    status = request.GET.get("status", "open")
    if status not in dict(LIST_FILTERS):
        status = "open"
    sessions = sessions_for_user(request.user, status="" if status == "all" else status)
    return render(
        request,
        "troubleshoot/session_list.html",
        {"sessions": sessions, "status": status, "filters": LIST_FILTERS},
    )


@engineer_required
@require_http_methods(["GET", "POST"])
def session_new_chat(request):
    form = ChatStartForm(request.POST or None, initial=_ticket_initial(request))
    if request.method == "POST" and form.is_valid():
        session = session_services.session_start(
            actor=request.user,
            kind=SessionKind.CHAT,
            problem_summary=form.cleaned_data["problem_summary"],
            client_name=form.cleaned_data["client_name"],
            psa_ticket=form.cleaned_data["psa_ticket"],
            first_message=form.cleaned_data["first_message"],
            contact_name=form.cleaned_data["contact_name"],
            ticket_priority=form.cleaned_data["ticket_priority"],
        )
        return redirect("troubleshoot:session_detail", session_id=session.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "troubleshoot/session_new_chat.html", {"form": form}, status=status)


def _ticket_initial(request) -> dict:
    """`?ticket=12345` (a link a PSA can hold) pre-fills the ticket; the form's PSA
    lookup then fills the rest after the page is shown."""
    ticket = (request.GET.get("ticket") or "").strip()[:41]
    return {"psa_ticket": ticket} if ticket else {}


@engineer_required
@require_GET
def session_new(request):
    """/sessions/new/: the new-session form (the AI chat start), keeping ?ticket=."""
    target = reverse("troubleshoot:session_new_chat")
    initial = _ticket_initial(request)
    return redirect(
        f"{target}?{urlencode({'ticket': initial['psa_ticket']})}" if initial else target
    )


@member_required
@require_GET
def session_detail(request, session_id: int):
    session = get_session_for_user(request.user, session_id)
    return render(request, DETAIL, session_context(request, session))


@member_required
@require_GET
def session_timeline(request, session_id: int):
    """The timeline partial alone: live refresh when someone else adds a step."""
    session = get_session_for_user(request.user, session_id)
    return render(request, f"{DETAIL}#timeline", session_context(request, session))


@engineer_required
@require_POST
@session_action
def session_answer(request, session_id: int):
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return workspace_response(
            request,
            session_id,
            status=400,
            error="Choose one of the answers (notes: up to 5000 characters).",
        )
    step = session_services.session_answer(
        actor=request.user,
        session_id=session_id,
        node_id=form.cleaned_data["node"],
        option_id=form.cleaned_data["option"],
        note=form.cleaned_data["note"],
    )
    response = workspace_response(request, session_id)
    if request.htmx and step.next_node_id:
        # One history entry per answer, so the browser's back button walks back.
        url = reverse("troubleshoot:session_detail", args=[session_id])
        response["HX-Push-Url"] = f"{url}?at={step.next_node_id}"
    return response


@engineer_required
@require_POST
@session_action
def session_jump(request, session_id: int, step_id: int):
    session_services.session_jump_back(actor=request.user, session_id=session_id, step_id=step_id)
    return workspace_response(request, session_id)


@engineer_required
@require_POST
@session_action
def session_note(request, session_id: int):
    form = NoteForm(request.POST)
    if not form.is_valid():
        return workspace_response(
            request, session_id, status=400, note_form=form, error="The note was not saved."
        )
    session_services.session_add_note(
        actor=request.user, session_id=session_id, note=form.cleaned_data["note"]
    )
    return workspace_response(request, session_id)


@engineer_required
@require_POST
@session_action
def session_start_tree(request, session_id: int):
    form = StartTreeForm(request.POST)
    if not form.is_valid():
        return workspace_response(request, session_id, status=400, error="Pick a tree to start.")
    session_services.session_start_tree(
        actor=request.user, session_id=session_id, tree_id=form.cleaned_data["tree"]
    )
    return redirect("troubleshoot:session_detail", session_id=session_id)


@engineer_required
@require_POST
@session_action
def session_resolve(request, session_id: int):
    form = ResolveForm(request.POST)
    if not form.is_valid():
        return workspace_response(
            request,
            session_id,
            status=400,
            resolve_form=form,
            error="Say what fixed it (up to 5000 characters) to resolve the session.",
        )
    session_services.session_resolve(
        actor=request.user,
        session_id=session_id,
        resolution_note=form.cleaned_data["resolution_note"],
    )
    messages.success(request, "Session resolved. The documentation is ready to export.")
    return redirect("troubleshoot:session_detail", session_id=session_id)


@engineer_required
@require_POST
@session_action
def session_abandon(request, session_id: int):
    session_services.session_abandon(actor=request.user, session_id=session_id)
    messages.info(request, "Session closed as abandoned.")
    return redirect("troubleshoot:session_list")


@member_required
@require_GET
def session_export_markdown(request, session_id: int):
    session = get_session_for_user(request.user, session_id)
    response = HttpResponse(
        session_document(session_with_steps(session.pk)),
        content_type="text/markdown; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="baton-session-{session.pk}.md"'
    return response


@engineer_required
@require_http_methods(["GET", "POST"])
def session_details(request, session_id: int):
    """Correct the summary, client or ticket (the person working the session only)."""
    session = get_session_for_user(request.user, session_id)
    if not can_correct_session_details(request.user, session):
        raise PermissionDenied("Only the engineer working this session can correct its details.")
    initial = {f: getattr(session, f) for f in ("problem_summary", "client_name", "psa_ticket")}
    form = SessionDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        session_services.session_update_details(
            actor=request.user, session_id=session.pk, **form.cleaned_data
        )
        messages.success(request, "Details saved.")
        return redirect("troubleshoot:session_detail", session_id=session.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "troubleshoot/session_details.html",
        {"session": session, "form": form},
        status=status,
    )


@member_required
@require_GET
def session_print(request, session_id: int):
    session = get_session_for_user(request.user, session_id)
    full = session_with_steps(session.pk)
    return render(
        request,
        "troubleshoot/session_print.html",
        {
            "session": full,
            "steps": list(full.steps.all()),
            "time_spent": format_duration(time_spent(full)),
            "is_open": full.status not in (SessionStatus.RESOLVED, SessionStatus.ABANDONED),
        },
    )


@engineer_required
@require_http_methods(["GET", "POST"])
def tree_start_session(request, tree_id: int):
    tree = get_tree_for_user(request.user, tree_id)
    form = SessionStartForm(request.POST or None, initial=_ticket_initial(request))
    if request.method == "POST" and form.is_valid():
        try:
            session = session_services.session_start(
                actor=request.user, tree_id=tree.pk, **form.cleaned_data
            )
        except session_services.StepRejected as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("troubleshoot:session_detail", session_id=session.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "troubleshoot/tree_start.html", {"tree": tree, "form": form}, status=status
    )
