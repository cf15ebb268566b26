from django.urls import path

from troubleshoot.views import tree_editor, trees

app_name = "troubleshoot"

urlpatterns = [
    path("trees/", trees.tree_list, name="tree_list"),
    path("trees/new/", trees.tree_create, name="tree_create"),
    path("trees/import/", trees.tree_import, name="tree_import"),
    path("trees/<int:tree_id>/", trees.tree_detail, name="tree_detail"),
    path("trees/<int:tree_id>/export.json", trees.tree_export, name="tree_export"),
    path("trees/<int:tree_id>/archive/", trees.tree_archive, name="tree_archive"),
    path("trees/<int:tree_id>/start/", trees.tree_start_session, name="tree_start_session"),
    path("trees/<int:tree_id>/edit/", tree_editor.tree_edit, name="tree_edit"),
    path(
        "trees/<int:tree_id>/edit/details/", tree_editor.tree_update_meta, name="tree_update_meta"
    ),
    path("trees/<int:tree_id>/edit/nodes/", tree_editor.node_add, name="node_add"),
    path("trees/<int:tree_id>/edit/start/", tree_editor.node_set_start, name="node_set_start"),
    path("trees/<int:tree_id>/edit/publish/", tree_editor.tree_publish, name="tree_publish"),
    path("trees/<int:tree_id>/edit/nodes/<int:node_id>/", tree_editor.node_edit, name="node_edit"),
    path(
        "trees/<int:tree_id>/edit/nodes/<int:node_id>/delete/",
        tree_editor.node_delete,
        name="node_delete",
    ),
    path(
        "trees/<int:tree_id>/edit/nodes/<int:node_id>/options/",
        tree_editor.option_add,
        name="option_add",
    ),
    path(
        "trees/<int:tree_id>/edit/options/<int:option_id>/",
        tree_editor.option_edit,
        name="option_edit",
    ),
    path(
        "trees/<int:tree_id>/edit/options/<int:option_id>/delete/",
        tree_editor.option_delete,
        name="option_delete",
    ),
    path(
        "trees/<int:tree_id>/edit/options/<int:option_id>/move/",
        tree_editor.option_move,
        name="option_move",
    ),
]
