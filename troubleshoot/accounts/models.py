"""Tenants and people: accounts, teams, roles and the custom user."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    ENGINEER = "engineer", "Engineer"
    ADMIN = "admin", "Admin"
    OWNER = "owner", "Owner"


# Higher rank includes everything a lower rank may do.
ROLE_RANK = {Role.VIEWER: 0, Role.ENGINEER: 1, Role.ADMIN: 2, Role.OWNER: 3}


class MfaPolicy(models.TextChoices):
    OFF = "off", "Not required"
    ADMINS = "admins", "Required for admins and owners"
    EVERYONE = "everyone", "Required for everyone"


class Account(models.Model):
    """An MSP: the tenant. Nothing of one account is ever shown to another."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    unclaimed_timeout_minutes = models.PositiveIntegerField(
        default=10, help_text="Escalations unclaimed this long re-notify admins and owners."
    )
    mfa_policy = models.CharField(
        max_length=10,
        choices=MfaPolicy.choices,
        default=MfaPolicy.OFF,
        help_text="Who must sign in with a second factor (people without one enrol first).",
    )
    sso_join_domain = models.CharField(
        max_length=253,
        blank=True,
        help_text=(
            "People of this email domain who sign in with Microsoft and are not yet "
            "members join this account as viewers. Blank: only invited people."
        ),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["account", "name"], name="team_name_unique_in_account")
        ]

    def __str__(self) -> str:
        return self.name


class UserQuerySet(models.QuerySet):
    def members_of(self, account_id: int) -> "UserQuerySet":
        """Active people of one account (soft-deleted users are already excluded)."""
        return self.filter(account_id=account_id, is_active=True)

    def engineers_or_above(self) -> "UserQuerySet":
        return self.filter(role__in=[Role.ENGINEER, Role.ADMIN, Role.OWNER])

    def admins_or_above(self) -> "UserQuerySet":
        return self.filter(role__in=[Role.ADMIN, Role.OWNER])


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    """The default manager hides soft-deleted users everywhere, login included."""

    use_in_migrations = True

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("display_name", "Platform operator")
        return self.create_user(email, password, **extra)


class AllUsersManager(BaseUserManager.from_queryset(UserQuerySet)):
    """Soft-deleted users included: for Django admin and audits only."""


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True)
    display_name = models.CharField(max_length=80)
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="users", null=True, blank=True
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, related_name="members", null=True, blank=True
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.ENGINEER)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May use Django admin.")
    deleted_at = models.DateTimeField(null=True, blank=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()
    all_objects = AllUsersManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        ordering = ["display_name"]
        indexes = [models.Index(fields=["account", "role"])]

    def __str__(self) -> str:
        return self.display_name or self.email

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name.split(" ")[0] if self.display_name else self.email

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None
