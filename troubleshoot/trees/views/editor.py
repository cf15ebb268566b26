"""The tree editor: one page; every change re-renders the node list partial (htmx),
or redirects back to the page without JavaScript."""

import functools

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from troubleshoot.accounts.roles import engineer_required
from troubleshoot.trees import proposals as tree_services_proposals
from troubleshoot.trees import services as tree_services
from troubleshoot.trees.forms import NodeForm, OptionForm, StartNodeForm, TreeMetaForm
from troubleshoot.trees.models import NodeKind
from troubleshoot.trees.proposals import pending_proposals
from troubleshoot.trees.selectors import draft_with_nodes, get_editable_tree
from troubleshoot.trees.treemap import build_tree_map, step_heat

EDITOR = "troubleshoot/tree_editor.html"


def editor_response(request, tree_id: int, *, status: int = 200, page: bool = False, **extra):
    """The node list partial for htmx; without htmx, success redirects to the editor
    (PRG) and an error re-renders the whole page with the sentence."""
    tree = get_editable_tree(request.user, tree_id)
    partial = request.htmx and not page
    if status == 200 and not partial and not page:
        return redirect("troubleshoot:tree_edit", tree_id=tree.pk)
    draft = draft_with_nodes(tree)
    nodes = list(draft.nodes.all())
    proposals = pending_proposals(tree)
    context = {
        "tree": tree,
        "draft": draft,
        "nodes": nodes,
        "proposals": proposals,
        # What the draft's proposals added, marked on their steps and answers.
        "proposed_node_ids": {p.solution_id for p in proposals},
        "proposed_option_ids": {p.option_id for p in proposals},
        "map": build_tree_map(draft, step_heat(tree)),
        "map_version": draft,
        "kinds": NodeKind.choices,
        "meta_form": TreeMetaForm(
            initial={
                "title": tree.title,
                "category": tree.category,
                "description": tree.description,
                "tags": tree.tags,
            }
        ),
        "node_form": NodeForm(initial={"kind": NodeKind.QUESTION}),
    }
    context.update(extra)
    template = f"{EDITOR}#editor_nodes" if partial else EDITOR
    return render(request, template, context, status=status)


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@engineer_required
@require_GET
def tree_edit(request, tree_id: int):
    return editor_response(request, tree_id, page=True)


@engineer_required
@require_POST
def tree_update_meta(request, tree_id: int):
    get_editable_tree(request.user, tree_id)
    form = TreeMetaForm(request.POST)
    if not form.is_valid():
        return editor_response(request, tree_id, status=400, page=True, meta_form=form)
    tree_services.tree_update(actor=request.user, tree_id=tree_id, **form.cleaned_data)
    messages.success(request, "Details saved.")
    return redirect("troubleshoot:tree_edit", tree_id=tree_id)


@engineer_required
@require_POST
def node_add(request, tree_id: int):
    get_editable_tree(request.user, tree_id)
    form = NodeForm(request.POST)
    if not form.is_valid():
        return editor_response(request, tree_id, status=400, node_form=form)
    try:
        tree_services.node_create(actor=request.user, tree_id=tree_id, **form.cleaned_data)
    except ValidationError as exc:
        return editor_response(request, tree_id, status=400, error=_error_text(exc))
    return editor_response(request, tree_id)


@engineer_required
@require_POST
def node_edit(request, tree_id: int, node_id: int):
    get_editable_tree(request.user, tree_id)
    form = NodeForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
        return editor_response(request, tree_id, status=400, error=f"Node not saved ({errors}).")
    tree_services.node_update(actor=request.user, node_id=node_id, **form.cleaned_data)
    return editor_response(request, tree_id)


@engineer_required
@require_POST
def node_delete(request, tree_id: int, node_id: int):
    get_editable_tree(request.user, tree_id)
    tree_services.node_delete(actor=request.user, node_id=node_id)
    return editor_response(request, tree_id)


@engineer_required
@require_POST
def node_set_start(request, tree_id: int):
    form = StartNodeForm(request.POST)
    if not form.is_valid():
        return editor_response(request, tree_id, status=400, error="Pick a node to start with.")
    try:
        tree_services.tree_set_start(
            actor=request.user, tree_id=tree_id, node_id=form.cleaned_data["node"]
        )
    except ValidationError as exc:
        return editor_response(request, tree_id, status=400, error=_error_text(exc))
    return editor_response(request, tree_id)


def _save_option(request, tree_id: int, save) -> HttpResponse:
    """Validate the option form, call `save(label=..., target_id=...)`, re-render."""
    get_editable_tree(request.user, tree_id)
    form = OptionForm(request.POST)
    if not form.is_valid():
        return editor_response(
            request, tree_id, status=400, error="An option needs a label (up to 200 characters)."
        )
    try:
        save(label=form.cleaned_data["label"], target_id=form.cleaned_data["target"])
    except ValidationError as exc:
        return editor_response(request, tree_id, status=400, error=_error_text(exc))
    return editor_response(request, tree_id)


@engineer_required
@require_POST
def option_add(request, tree_id: int, node_id: int):
    return _save_option(
        request,
        tree_id,
        functools.partial(tree_services.option_create, actor=request.user, node_id=node_id),
    )


@engineer_required
@require_POST
def option_edit(request, tree_id: int, option_id: int):
    return _save_option(
        request,
        tree_id,
        functools.partial(tree_services.option_update, actor=request.user, option_id=option_id),
    )


@engineer_required
@require_POST
def option_delete(request, tree_id: int, option_id: int):
    get_editable_tree(request.user, tree_id)
    tree_services.option_delete(actor=request.user, option_id=option_id)
    return editor_response(request, tree_id)


@engineer_required
@require_POST
def option_move(request, tree_id: int, option_id: int):
    get_editable_tree(request.user, tree_id)
    direction = "up" if request.POST.get("direction") == "up" else "down"
    tree_services.option_move(actor=request.user, option_id=option_id, direction=direction)
    return editor_response(request, tree_id)


@engineer_required
@require_POST
def tree_publish(request, tree_id: int):
    get_editable_tree(request.user, tree_id)
    try:
        version = tree_services.tree_publish(actor=request.user, tree_id=tree_id)
    except tree_services.TreeInvalid as exc:
        return editor_response(request, tree_id, status=400, page=True, publish_errors=exc.errors)
    messages.success(request, f"Published {version.label}. New sessions will walk it.")
    return redirect("troubleshoot:tree_detail", tree_id=tree_id)


@engineer_required
@require_POST
def proposal_decide(request, tree_id: int, proposal_id: int, decision: str):
    """Accept (keep the proposed answer and solution as they now read) or discard
    (remove them) a proposal from an escalation; 404 for one not waiting in this tree."""
    tree = get_editable_tree(request.user, tree_id)
    if not tree.proposals.filter(pk=proposal_id).exists():
        raise Http404("No such proposal in this tree.")
    decide = {
        "accept": tree_services_proposals.tree_proposal_accept,
        "discard": tree_services_proposals.tree_proposal_discard,
    }[decision]
    decide(actor=request.user, proposal_id=proposal_id)
    if not request.htmx:
        done = "accepted: it is part of the draft" if decision == "accept" else "discarded"
        messages.success(request, f"Proposal {done}.")
    return editor_response(request, tree_id)
