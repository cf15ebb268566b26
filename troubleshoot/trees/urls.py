from django.urls import path

from troubleshoot.trees.views import editor, library

urlpatterns = [
    path("trees/", library.tree_list, name="tree_list"),
    path("trees/new/", library.tree_create, name="tree_create"),
    path("trees/import/", library.tree_import, name="tree_import"),
    path("trees/<id:tree_id>/", library.tree_detail, name="tree_detail"),
    path("trees/<id:tree_id>/export.json", library.tree_export, name="tree_export"),
    path("trees/<id:tree_id>/archive/", library.tree_archive, name="tree_archive"),
    path("trees/<id:tree_id>/edit/", editor.tree_edit, name="tree_edit"),
    path("trees/<id:tree_id>/edit/details/", editor.tree_update_meta, name="tree_update_meta"),
    path("trees/<id:tree_id>/edit/nodes/", editor.node_add, name="node_add"),
    path("trees/<id:tree_id>/edit/start/", editor.node_set_start, name="node_set_start"),
    path("trees/<id:tree_id>/edit/publish/", editor.tree_publish, name="tree_publish"),
    path("trees/<id:tree_id>/edit/nodes/<id:node_id>/", editor.node_edit, name="node_edit"),
    path(
        "trees/<id:tree_id>/edit/nodes/<id:node_id>/delete/",
        editor.node_delete,
        name="node_delete",
    ),
    path(
        "trees/<id:tree_id>/edit/nodes/<id:node_id>/options/",
        editor.option_add,
        name="option_add",
    ),
    path(
        "trees/<id:tree_id>/edit/options/<id:option_id>/",
        editor.option_edit,
        name="option_edit",
    ),
    path(
        "trees/<id:tree_id>/edit/options/<id:option_id>/delete/",
        editor.option_delete,
        name="option_delete",
    ),
    path(
        "trees/<id:tree_id>/edit/proposals/<id:proposal_id>/accept/",
        editor.proposal_decide,
        {"decision": "accept"},
        name="proposal_accept",
    ),
    path(
        "trees/<id:tree_id>/edit/proposals/<id:proposal_id>/discard/",
        editor.proposal_decide,
        {"decision": "discard"},
        name="proposal_discard",
    ),
    path(
        "trees/<id:tree_id>/edit/options/<id:option_id>/move/",
        editor.option_move,
        name="option_move",
    ),
]
