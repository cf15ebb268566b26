from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from troubleshoot.models import Account, Team, User


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "unclaimed_timeout_minutes", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TeamInline]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "account"]
    list_filter = ["account"]
    search_fields = ["name"]


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "display_name", "account", "role"]
        field_classes: dict = {}


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes: dict = {}


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    ordering = ["email"]
    list_display = ["email", "display_name", "account", "team", "role", "is_active", "deleted_at"]
    list_filter = ["account", "role", "is_active", "is_staff"]
    search_fields = ["email", "display_name"]
    list_select_related = ["account", "team"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["display_name", "account", "team", "role"]}),
        ("Status", {"fields": ["is_active", "deleted_at", "last_login", "date_joined"]}),
        ("Platform", {"fields": ["is_staff", "is_superuser", "groups", "user_permissions"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "email",
                    "display_name",
                    "account",
                    "role",
                    "usable_password",
                    "password1",
                    "password2",
                ],
            },
        )
    ]

    def get_queryset(self, request):
        # Operators see soft-deleted users too, so they can restore them.
        return User.all_objects.select_related("account", "team")


# --- Troubleshooting: trees, versions, nodes, sessions, steps -----------------
from troubleshoot.models import (  # noqa: E402
    Node,
    Option,
    Session,
    Step,
    Tree,
    TreeVersion,
)


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


class StepInline(admin.TabularInline):
    model = Step
    extra = 0
    fields = ["created_at", "kind", "author", "node", "choice_label", "note", "text", "abandoned"]
    raw_id_fields = ["author", "node", "next_node"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = [
        "problem_summary",
        "account",
        "user",
        "assignee",
        "kind",
        "status",
        "psa_ticket",
        "last_activity_at",
    ]
    list_filter = ["account", "status", "kind", "tree_version__tree__category"]
    search_fields = ["problem_summary", "client_name", "psa_ticket", "user__email"]
    list_select_related = ["account", "user", "assignee"]
    raw_id_fields = ["user", "assignee", "team", "tree_version", "current_node"]
    inlines = [StepInline]


@admin.register(Step)
class StepAdmin(admin.ModelAdmin):
    list_display = ["session", "kind", "author", "choice_label", "abandoned", "created_at"]
    list_filter = ["kind", "abandoned", "session__account", "session__status"]
    search_fields = ["text", "note", "choice_label", "session__problem_summary"]
    list_select_related = ["session", "author"]
    raw_id_fields = ["session", "author", "node", "next_node"]
