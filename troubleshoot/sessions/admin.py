"""Django admin for platform operators: sessions and their steps."""

from django.contrib import admin

from troubleshoot.sessions.models import Session, Step


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
