"""Django admin for platform operators: trees, versions and nodes."""

from django.contrib import admin

from troubleshoot.trees.models import Node, Option, Tree, TreeVersion


@admin.register(Tree)
class TreeAdmin(admin.ModelAdmin):
    list_display = ["title", "account", "category", "author", "latest_published", "archived_at"]
    list_filter = ["account", "category", "archived_at"]
    search_fields = ["title", "description", "tags"]
    list_select_related = ["account", "author", "latest_published"]
    raw_id_fields = ["author", "latest_published"]
    readonly_fields = ["search_text"]


class OptionInline(admin.TabularInline):
    model = Option
    fk_name = "node"
    extra = 0
    raw_id_fields = ["target"]


@admin.register(TreeVersion)
class TreeVersionAdmin(admin.ModelAdmin):
    list_display = ["title", "tree", "number", "state", "published_at", "published_by"]
    list_filter = ["state", "tree__account", "tree__category"]
    search_fields = ["title", "tree__title"]
    list_select_related = ["tree", "published_by"]
    raw_id_fields = ["tree", "start_node", "published_by"]


@admin.register(Node)
class NodeAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "ref", "version"]
    list_filter = ["kind", "version__tree__account", "version__tree__category"]
    search_fields = ["title", "body", "ref"]
    list_select_related = ["version"]
    raw_id_fields = ["version"]
    inlines = [OptionInline]
