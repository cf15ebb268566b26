"""Tree library, tree page, import/export and archiving. The editor's views live in
views/editor.py; starting a session from a tree is the sessions domain's view."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from troubleshoot.accounts.roles import (
    admin_required,
    engineer_required,
    is_admin_or_above,
    is_engineer_or_above,
    member_required,
)
from troubleshoot.trees import services as tree_services
from troubleshoot.trees.forms import ImportForm, LibraryFilterForm, TreeMetaForm
from troubleshoot.trees.import_export import TreeImportError, export_version
from troubleshoot.trees.proposals import pending_counts
from troubleshoot.trees.selectors import (
    draft_with_nodes,
    get_editable_tree,
    get_tree_for_user,
    has_unpublished_changes,
    library_page,
    published_versions,
    version_with_nodes,
)
from troubleshoot.trees.treemap import build_tree_map, step_heat


@member_required
@require_GET
def tree_list(request):
    filters = LibraryFilterForm(request.GET)
    status = 200
    if filters.is_valid():
        query, category = filters.cleaned_data["q"], filters.cleaned_data["category"]
        page_number = filters.cleaned_data["page"]
    else:
        # Shown with the reason; the library below is the unfiltered first page.
        query, category, page_number, status = "", "", 1, 400
    page, categories = library_page(request.user, query=query, category=category, page=page_number)
    if is_engineer_or_above(request.user):
        # "1 proposal from an escalation" on the cards of trees whose draft has one.
        waiting = pending_counts(tree.pk for tree in page.object_list)
        for tree in page.object_list:
            tree.pending_proposals = waiting.get(tree.pk, 0)
    context = {
        "filters": filters,
        "page": page,
        "trees": page.object_list,
        "categories": categories,
        "total": sum(n for _, n in categories),
        "query": query,
        "category": category,
        "can_edit": is_engineer_or_above(request.user),
    }
    template = "troubleshoot/tree_list.html"
    if request.htmx and request.htmx.target == "tree-results":
        template += "#results"
    return render(request, template, context, status=status)


@member_required
@require_GET
def tree_detail(request, tree_id: int):
    tree = get_tree_for_user(request.user, tree_id)
    can_edit = is_engineer_or_above(request.user)
    version = version_with_nodes(tree.latest_published_id) if tree.latest_published_id else None
    if version is None and can_edit:
        version = draft_with_nodes(tree)
    return render(
        request,
        "troubleshoot/tree_detail.html",
        {
            "tree": tree,
            "version": version,
            "nodes": list(version.nodes.all()) if version else [],
            "versions": published_versions(tree),
            "can_edit": can_edit,
            "can_archive": is_admin_or_above(request.user),
            "unpublished": can_edit and has_unpublished_changes(tree),
            "map": build_tree_map(version, step_heat(tree)) if version else None,
            "map_version": version,
        },
    )


@engineer_required
@require_http_methods(["GET", "POST"])
def tree_create(request):
    form = TreeMetaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        tree = tree_services.tree_create(actor=request.user, **form.cleaned_data)
        messages.success(request, "Tree created. Add its nodes, then publish it.")
        return redirect("troubleshoot:tree_edit", tree_id=tree.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "troubleshoot/tree_form.html", {"form": form}, status=status)


@admin_required
@require_POST
def tree_archive(request, tree_id: int):
    tree = tree_services.tree_archive(actor=request.user, tree_id=tree_id)
    messages.success(
        request, f"“{tree.title}” was archived. Sessions that used it keep their version."
    )
    return redirect("troubleshoot:tree_list")


@member_required
@require_GET
def tree_export(request, tree_id: int):
    """The latest published version as JSON; editors may ask for the draft (?draft=1)."""
    tree = get_tree_for_user(request.user, tree_id)
    if request.GET.get("draft") and is_engineer_or_above(request.user):
        version = draft_with_nodes(tree)
    elif tree.latest_published_id:
        version = version_with_nodes(tree.latest_published_id)
    else:
        version = draft_with_nodes(get_editable_tree(request.user, tree_id))
    body = json.dumps(export_version(version), indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    name = slugify(tree.title) or "tree"
    response["Content-Disposition"] = f'attachment; filename="{name}-{version.label}.json"'
    return response


@engineer_required
@require_http_methods(["GET", "POST"])
def tree_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            tree = tree_services.tree_import(actor=request.user, raw=form.cleaned_data["raw"])
        except (TreeImportError, tree_services.TreeInvalid) as exc:
            errors = exc.errors
        else:
            messages.success(request, f"Imported “{tree.title}” and published it as v1.")
            return redirect("troubleshoot:tree_detail", tree_id=tree.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "troubleshoot/tree_import.html", {"form": form, "errors": errors}, status=status
    )


def apply_validation_error(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
