from django.urls import path
from rest_framework.routers import SimpleRouter

from troubleshoot.trees.api import views

router = SimpleRouter()
router.register("trees", views.TreeViewSet, basename="tree")
draft = "trees/<int:tree_id>/draft"
urlpatterns = [
    path(f"{draft}/nodes/", views.DraftNodesView.as_view(), name="tree-draft-nodes"),
    path(f"{draft}/nodes/<int:node_id>/", views.DraftNodeView.as_view(), name="tree-draft-node"),
    path(
        f"{draft}/nodes/<int:node_id>/options/",
        views.DraftNodeOptionsView.as_view(),
        name="tree-draft-node-options",
    ),
    path(
        f"{draft}/options/<int:option_id>/",
        views.DraftOptionView.as_view(),
        name="tree-draft-option",
    ),
    path(f"{draft}/start/", views.DraftStartView.as_view(), name="tree-draft-start"),
    *router.urls,
]
