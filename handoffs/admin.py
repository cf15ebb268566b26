from django.contrib import admin

from handoffs.models import Handoff, HandoffEvent


class HandoffEventInline(admin.TabularInline):
    model = HandoffEvent
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "actor", "kind", "from_status", "to_status", "note"]


@admin.register(Handoff)
class HandoffAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "account",
        "intent",
        "priority",
        "status",
        "created_by",
        "claimed_by",
        "ai_status",
        "created_at",
    ]
    list_filter = ["account", "intent", "priority", "status", "ai_status"]
    search_fields = ["session__problem_summary", "session__psa_ticket", "created_by__email"]
    list_select_related = ["account", "created_by", "claimed_by"]
    raw_id_fields = ["session", "created_by", "claimed_by", "target_user", "team"]
    # The snapshot is the record of what was handed over: never edited.
    readonly_fields = ["snapshot", "created_at", "updated_at"]
    inlines = [HandoffEventInline]
