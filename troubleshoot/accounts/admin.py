"""Django admin for platform operators: accounts, teams and users."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from troubleshoot.accounts.models import Account, ApiToken, Invitation, Team, User


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "time_zone", "unclaimed_timeout_minutes", "created_at"]
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
        ("Person", {"fields": ["display_name", "account", "team", "role", "time_zone"]}),
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


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read-only for operators: who was invited where, and what became of it. The link
    itself is never stored (only its hash), so it cannot be shown or re-used here."""

    list_display = ["email", "account", "role", "created_at", "expires_at", "used_at", "revoked_at"]
    list_filter = ["account", "role"]
    search_fields = ["email", "display_name"]
    list_select_related = ["account"]
    exclude = ["token_hash"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only for operators: whose token, which account, its state. Never its value
    (Baton does not have it); revoke from the person's profile page."""

    list_display = ["name", "user", "account", "prefix", "created_at", "expires_at", "revoked_at"]
    list_filter = ["account"]
    search_fields = ["name", "user__email", "prefix"]
    readonly_fields = [f.name for f in ApiToken._meta.fields]

    def has_add_permission(self, request):
        return False
