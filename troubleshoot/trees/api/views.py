"""/api/v1/trees/: the library (list, search, categories), a tree with its published
version, the draft and its editing, publish, JSON export and import, archive.

The same rules as the library and editor pages: members read (viewers only published
trees), engineers create, edit and publish, admins archive; another account's tree
is 404. Every write is the editor's service.
"""

import json

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from troubleshoot.accounts.api.errors import register_error
from troubleshoot.accounts.api.input import validated
from troubleshoot.accounts.api.permissions import ActionRoles, IsAdmin, IsEngineer, IsMember
from troubleshoot.accounts.roles import is_engineer_or_above
from troubleshoot.trees import services as tree_services
from troubleshoot.trees.api.serializers import (
    CategorySerializer,
    NodeInputSerializer,
    NodeSerializer,
    OptionInputSerializer,
    OptionSerializer,
    StartNodeSerializer,
    TreeDetailSerializer,
    TreeExportQuerySerializer,
    TreeImportSerializer,
    TreeListQuerySerializer,
    TreeMetaSerializer,
    TreeSerializer,
    VersionSerializer,
)
from troubleshoot.trees.import_export import TreeImportError, export_version
from troubleshoot.trees.models import Tree
from troubleshoot.trees.selectors import (
    draft_with_nodes,
    get_draft_node,
    get_draft_option,
    get_editable_tree,
    get_tree_for_user,
    has_unpublished_changes,
    library_categories,
    library_trees,
    published_versions,
    version_with_nodes,
)


def _invalid(exc) -> tuple[int, dict]:
    return 400, {"detail": " ".join(exc.errors), "errors": exc.errors}


register_error(tree_services.TreeInvalid, _invalid)
register_error(TreeImportError, _invalid)

TAGS = ["trees"]


def tree_response(request, tree_id: int, *, status_code: int = 200) -> Response:
    tree = get_tree_for_user(request.user, tree_id)
    can_edit = is_engineer_or_above(request.user)
    version = version_with_nodes(tree.latest_published_id) if tree.latest_published_id else None
    context = {
        "version": version,
        "versions": published_versions(tree),
        "unpublished": has_unpublished_changes(tree) if can_edit else None,
    }
    return Response(TreeDetailSerializer(tree, context=context).data, status=status_code)


def draft_response(request, tree: Tree, *, status_code: int = 200) -> Response:
    return Response(VersionSerializer(draft_with_nodes(tree)).data, status=status_code)


@extend_schema_view(
    list=extend_schema(
        tags=TAGS,
        parameters=[TreeListQuerySerializer],
        responses=TreeSerializer(many=True),
        description="The library: published trees (and your own drafts, for editors), "
        "searched over titles, tags, descriptions and step text.",
    ),
    retrieve=extend_schema(tags=TAGS, responses=TreeDetailSerializer),
    create=extend_schema(
        tags=TAGS,
        request=TreeMetaSerializer,
        responses={201: TreeDetailSerializer},
        description="A new tree with an empty draft: add its steps, then publish it.",
    ),
    partial_update=extend_schema(
        tags=TAGS, request=TreeMetaSerializer, responses=TreeDetailSerializer
    ),
)
class TreeViewSet(ActionRoles, viewsets.GenericViewSet):
    queryset = Tree.objects.none()
    serializer_class = TreeSerializer
    lookup_url_kwarg = "tree_id"
    lookup_value_regex = "[0-9]+"
    http_method_names = ["get", "post", "patch", "head", "options"]
    action_roles = {
        "list": IsMember,
        "retrieve": IsMember,
        "create": IsEngineer,
        "partial_update": IsEngineer,
    }

    def list(self, request):
        query = TreeListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        trees = library_trees(
            request.user, query=query.validated_data["q"], category=query.validated_data["category"]
        )
        page = self.paginate_queryset(trees)
        return self.get_paginated_response(TreeSerializer(page, many=True).data)

    def retrieve(self, request, tree_id: int):
        return tree_response(request, tree_id)

    def create(self, request):
        data = validated(TreeMetaSerializer, request)
        tree = tree_services.tree_create(actor=request.user, **data)
        return tree_response(request, tree.pk, status_code=status.HTTP_201_CREATED)

    def partial_update(self, request, tree_id: int):
        tree = get_editable_tree(request.user, tree_id)
        current = {
            "title": tree.title,
            "category": tree.category,
            "description": tree.description,
            "tags": tree.tags,
        }
        data = validated(TreeMetaSerializer, request, partial_from=current)
        tree_services.tree_update(actor=request.user, tree_id=tree.pk, **data)
        return tree_response(request, tree.pk)

    @extend_schema(tags=TAGS, responses=CategorySerializer(many=True))
    @action(detail=False, methods=["get"], permission_classes=[IsMember], pagination_class=None)
    def categories(self, request):
        """The library's categories with their number of trees, by name."""
        rows = [{"category": c, "count": n} for c, n in library_categories(request.user)]
        return Response(CategorySerializer(rows, many=True).data)

    @extend_schema(tags=TAGS, responses=VersionSerializer)
    @action(detail=True, methods=["get"], permission_classes=[IsEngineer])
    def draft(self, request, tree_id: int):
        """The editable draft with its steps and answers."""
        return draft_response(request, get_editable_tree(request.user, tree_id))

    @extend_schema(
        tags=TAGS,
        request=None,
        responses={201: VersionSerializer},
        description="Check the draft and freeze it as the next version; 400 lists every "
        "problem (start step, dangling answers, unreachable steps, no solution).",
    )
    @action(detail=True, methods=["post"], permission_classes=[IsEngineer])
    def publish(self, request, tree_id: int):
        tree = get_editable_tree(request.user, tree_id)
        version = tree_services.tree_publish(actor=request.user, tree_id=tree.pk)
        return Response(
            VersionSerializer(version_with_nodes(version.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(tags=TAGS, request=None, responses=TreeSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAdmin])
    def archive(self, request, tree_id: int):
        """Out of the library; sessions keep the versions they walked."""
        tree = get_editable_tree(request.user, tree_id)
        tree = tree_services.tree_archive(actor=request.user, tree_id=tree.pk)
        return Response(TreeSerializer(tree).data)

    @extend_schema(
        tags=TAGS,
        parameters=[TreeExportQuerySerializer],
        responses=OpenApiResponse(OpenApiTypes.OBJECT, description="The baton-tree JSON."),
    )
    @action(detail=True, methods=["get"], permission_classes=[IsMember])
    def export(self, request, tree_id: int):
        """The latest published version as shareable JSON (editors: ?draft=true)."""
        query = TreeExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        tree = get_tree_for_user(request.user, tree_id)
        if query.validated_data["draft"] and is_engineer_or_above(request.user):
            version = draft_with_nodes(tree)
        elif tree.latest_published_id:
            version = version_with_nodes(tree.latest_published_id)
        else:
            version = draft_with_nodes(get_editable_tree(request.user, tree_id))
        return Response(export_version(version))

    @extend_schema(
        tags=TAGS,
        request=TreeImportSerializer,
        responses={201: TreeDetailSerializer},
        description="Create a tree from an export and publish it as v1 (checked like a "
        "publish; 400 lists every problem).",
    )
    @action(detail=False, methods=["post"], url_path="import", permission_classes=[IsEngineer])
    def import_tree(self, request):
        raw = json.dumps(request.data, ensure_ascii=False)
        tree = tree_services.tree_import(actor=request.user, raw=raw)
        return tree_response(request, tree.pk, status_code=status.HTTP_201_CREATED)


class DraftNodesView(APIView):
    """POST /trees/{tree_id}/draft/nodes/: add a step to the draft."""

    permission_classes = [IsEngineer]
    queryset = Tree.objects.none()

    @extend_schema(
        tags=TAGS,
        request=NodeInputSerializer,
        responses={201: NodeSerializer},
        operation_id="trees_draft_nodes_create",
    )
    def post(self, request, tree_id: int):
        tree = get_editable_tree(request.user, tree_id)
        data = validated(NodeInputSerializer, request)
        node = tree_services.node_create(actor=request.user, tree_id=tree.pk, **data)
        return Response(NodeSerializer(node).data, status=status.HTTP_201_CREATED)


class DraftNodeView(APIView):
    """PATCH or DELETE /trees/{tree_id}/draft/nodes/{node_id}/."""

    permission_classes = [IsEngineer]
    queryset = Tree.objects.none()

    @extend_schema(tags=TAGS, request=NodeInputSerializer, responses=NodeSerializer)
    def patch(self, request, tree_id: int, node_id: int):
        tree = get_editable_tree(request.user, tree_id)
        node = get_draft_node(tree, node_id)
        current = {"kind": node.kind, "title": node.title, "body": node.body}
        data = validated(NodeInputSerializer, request, partial_from=current)
        node = tree_services.node_update(actor=request.user, node_id=node.pk, **data)
        return Response(NodeSerializer(node).data)

    @extend_schema(tags=TAGS, request=None, responses={204: None})
    def delete(self, request, tree_id: int, node_id: int):
        """Answers that led to it keep their label and lose their target."""
        tree = get_editable_tree(request.user, tree_id)
        node = get_draft_node(tree, node_id)
        tree_services.node_delete(actor=request.user, node_id=node.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DraftNodeOptionsView(APIView):
    """POST /trees/{tree_id}/draft/nodes/{node_id}/options/: add an answer to a step."""

    permission_classes = [IsEngineer]
    queryset = Tree.objects.none()

    @extend_schema(tags=TAGS, request=OptionInputSerializer, responses={201: OptionSerializer})
    def post(self, request, tree_id: int, node_id: int):
        tree = get_editable_tree(request.user, tree_id)
        node = get_draft_node(tree, node_id)
        data = validated(OptionInputSerializer, request)
        option = tree_services.option_create(actor=request.user, node_id=node.pk, **data)
        return Response(OptionSerializer(option).data, status=status.HTTP_201_CREATED)


class DraftOptionView(APIView):
    """PATCH or DELETE /trees/{tree_id}/draft/options/{option_id}/."""

    permission_classes = [IsEngineer]
    queryset = Tree.objects.none()

    @extend_schema(tags=TAGS, request=OptionInputSerializer, responses=OptionSerializer)
    def patch(self, request, tree_id: int, option_id: int):
        tree = get_editable_tree(request.user, tree_id)
        option = get_draft_option(tree, option_id)
        current = {"label": option.label, "leads_to": option.target_id}
        data = validated(OptionInputSerializer, request, partial_from=current)
        option = tree_services.option_update(actor=request.user, option_id=option.pk, **data)
        return Response(OptionSerializer(option).data)

    @extend_schema(tags=TAGS, request=None, responses={204: None})
    def delete(self, request, tree_id: int, option_id: int):
        tree = get_editable_tree(request.user, tree_id)
        option = get_draft_option(tree, option_id)
        tree_services.option_delete(actor=request.user, option_id=option.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DraftStartView(APIView):
    """POST /trees/{tree_id}/draft/start/: choose the step a walk starts at."""

    permission_classes = [IsEngineer]
    queryset = Tree.objects.none()

    @extend_schema(tags=TAGS, request=StartNodeSerializer, responses=VersionSerializer)
    def post(self, request, tree_id: int):
        tree = get_editable_tree(request.user, tree_id)
        data = validated(StartNodeSerializer, request)
        node = get_draft_node(tree, data["node_id"])
        tree_services.tree_set_start(actor=request.user, tree_id=tree.pk, node_id=node.pk)
        return draft_response(request, tree)
