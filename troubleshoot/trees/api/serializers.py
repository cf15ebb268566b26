"""Trees in API answers, and the input of each tree action (through the editor's forms)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from troubleshoot.accounts.api.input import run_form
from troubleshoot.accounts.api.serializers import PersonSerializer
from troubleshoot.trees.forms import NodeForm, OptionForm, TreeMetaForm
from troubleshoot.trees.models import (
    NODE_BODY_MAX,
    NODE_TITLE_MAX,
    OPTION_LABEL_MAX,
    TREE_TITLE_MAX,
    NodeKind,
    Option,
    Tree,
    TreeVersion,
)


class TreeSerializer(serializers.ModelSerializer):
    tags = serializers.ListField(child=serializers.CharField(), source="tag_list")
    author = PersonSerializer(allow_null=True)
    published_version = serializers.IntegerField(
        source="latest_published.number", allow_null=True, default=None
    )
    published_at = serializers.DateTimeField(
        source="latest_published.published_at", allow_null=True, default=None
    )

    class Meta:
        model = Tree
        fields = [
            "id",
            "title",
            "category",
            "description",
            "tags",
            "author",
            "published_version",
            "published_at",
            "created_at",
            "updated_at",
        ]


class OptionSerializer(serializers.ModelSerializer):
    leads_to = serializers.IntegerField(source="target_id", allow_null=True)

    class Meta:
        model = Option
        fields = ["id", "label", "leads_to", "position"]


class NodeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    ref = serializers.CharField(help_text="Stable name inside the tree (kept across versions).")
    kind = serializers.ChoiceField(choices=NodeKind.choices)
    title = serializers.CharField()
    body = serializers.CharField(help_text="Markdown.")
    options = OptionSerializer(many=True)


class VersionSerializer(serializers.ModelSerializer):
    label = serializers.CharField(help_text='"draft" or v1, v2, ...')
    start_node_id = serializers.IntegerField(allow_null=True)
    published_by = PersonSerializer(allow_null=True)
    nodes = NodeSerializer(many=True)

    class Meta:
        model = TreeVersion
        fields = [
            "id",
            "number",
            "label",
            "title",
            "start_node_id",
            "published_at",
            "published_by",
            "nodes",
        ]


class VersionRefSerializer(serializers.ModelSerializer):
    published_by = PersonSerializer(allow_null=True)

    class Meta:
        model = TreeVersion
        fields = ["number", "published_at", "published_by"]


class TreeDetailSerializer(TreeSerializer):
    version = serializers.SerializerMethodField(
        help_text="The latest published version with its steps (null before the first publish)."
    )
    versions = serializers.SerializerMethodField(help_text="Every published version, newest first.")
    has_unpublished_changes = serializers.SerializerMethodField(
        help_text="For editors: the draft was edited after the last publish (null for viewers)."
    )

    class Meta(TreeSerializer.Meta):
        fields = [*TreeSerializer.Meta.fields, "version", "versions", "has_unpublished_changes"]

    @extend_schema_field(VersionSerializer(allow_null=True))
    def get_version(self, tree):
        version = self.context.get("version")
        return VersionSerializer(version).data if version is not None else None

    @extend_schema_field(VersionRefSerializer(many=True))
    def get_versions(self, tree):
        return VersionRefSerializer(self.context.get("versions", []), many=True).data

    def get_has_unpublished_changes(self, tree) -> bool | None:
        return self.context.get("unpublished")


class CategorySerializer(serializers.Serializer):
    category = serializers.CharField()
    count = serializers.IntegerField()


# --- input -----------------------------------------------------------------------


class TreeMetaSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=TREE_TITLE_MAX)
    category = serializers.CharField(max_length=60)
    description = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )
    tags = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default="", help_text="Comma-separated."
    )

    def validate(self, data):
        return run_form(TreeMetaForm, data)


class NodeInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=NodeKind.choices)
    title = serializers.CharField(max_length=NODE_TITLE_MAX)
    body = serializers.CharField(
        max_length=NODE_BODY_MAX, required=False, allow_blank=True, default=""
    )

    def validate(self, data):
        return run_form(NodeForm, data)


class OptionInputSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=OPTION_LABEL_MAX)
    leads_to = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        default=None,
        help_text="A node of this draft.",
    )

    def validate(self, data):
        cleaned = run_form(OptionForm, {"label": data["label"], "target": data["leads_to"]})
        return {"label": cleaned["label"], "target_id": cleaned["target"]}


class StartNodeSerializer(serializers.Serializer):
    node_id = serializers.IntegerField(min_value=1)


class TreeListQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=200, required=False, default="", help_text="Search.")
    category = serializers.CharField(max_length=60, required=False, default="")


class TreeExportQuerySerializer(serializers.Serializer):
    draft = serializers.BooleanField(default=False, help_text="Editors: export the draft.")


class TreeImportSerializer(serializers.Serializer):
    """The export's format (see GET /trees/{id}/export/)."""

    format = serializers.CharField()
    version = serializers.IntegerField()
    tree = serializers.DictField()
    start = serializers.CharField(allow_null=True)
    nodes = serializers.ListField(child=serializers.DictField())
