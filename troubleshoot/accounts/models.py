"""Tenants and people: accounts, teams, roles, the custom user and invitations."""

from django.conf import settings
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
    # The zone of people who have not chosen one, and of what is written for the whole
    # account (PSA notes). A zoneinfo name, checked against zoneinfo's list when set.
    time_zone = models.CharField(max_length=64, default="UTC")
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
    # A zoneinfo name (e.g. "Europe/Berlin"); blank means the account's default zone.
    time_zone = models.CharField(max_length=64, blank=True)
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


class InvitationQuerySet(models.QuerySet):
    def open(self) -> "InvitationQuerySet":
        """Neither used nor revoked (an expired one can still be re-sent)."""
        return self.filter(used_at__isnull=True, revoked_at__isnull=True)


class Invitation(models.Model):
    """An admin's invitation to join an account: a single-use, time-limited link.

    Only a SHA-256 of the link's token is stored, so a copy of the database (or of
    Django admin's pages) cannot be used to take over an invitation. The person is
    created when they accept, with the name, role and team chosen here.
    """

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    display_name = models.CharField(max_length=80)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.ENGINEER)
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, related_name="invitations", null=True, blank=True
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="invitations_sent",
        null=True,
        blank=True,
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    # Why the last email did not leave (the mail server's answer); cleared on success.
    send_error = models.CharField(max_length=300, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="invitation",
        null=True,
        blank=True,
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open invitation per address: a second "invite" is a re-send.
            models.UniqueConstraint(
                fields=["email"],
                condition=models.Q(used_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email}"

    @property
    def is_open(self) -> bool:
        return self.used_at is None and self.revoked_at is None

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def can_be_accepted(self) -> bool:
        return self.is_open and not self.is_expired


class ApiToken(models.Model):
    """A personal access token for the REST API (/api/v1/).

    The token is shown once, when created; only its SHA-256 digest is stored (a token
    is 256 random bits, so a fast hash is as safe as a slow one and costs nothing per
    request). It acts as its person: their account and their current role, so a
    demoted person's tokens lose what the role lost, and a removed person's stop.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    # The person's account when created: admins list and revoke their account's tokens.
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    # The token's first characters ("baton_AbC1…"): enough to recognise it in a list.
    prefix = models.CharField(max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "created_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return "expired"
        return "active"
