"""Bell notifications, the delivery ledger (an outbox), integrations and preferences.

Every outbound send is a `Delivery` row written in the same transaction as the event
that caused it; a Celery task sends it after commit and the sweeper re-queues what a
broker outage left behind. So a notification can be late, never lost.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from notifications.fields import EncryptedJSONField, EncryptedTextField
from troubleshoot.models import Account


class Notification(models.Model):
    """One line in a user's bell."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    # A local path (e.g. /sessions/12/pickup/); checked when written, never an off-site URL.
    link = models.CharField(max_length=300, blank=True)
    # The cause, so re-running notify_escalation for one event adds no second bell row.
    event_key = models.CharField(max_length=120, blank=True)
    # Sent to this person by name ("for you"): desktop and push "only mine" look here.
    targeted = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event_key"],
                condition=~Q(event_key=""),
                name="notification_once_per_event",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SLACK = "slack", "Slack"
    TEAMS = "teams", "Microsoft Teams"
    PSA = "psa", "PSA"  # notes, time entries and status changes (Delivery.channel_label)
    WEBHOOK = "webhook", "Webhook"
    PUSH = "push", "Web Push"


# What a PSA delivery writes to the ticket (its payload's "op"), as people read it.
PSA_OP_LABELS = {"note": "Note", "time": "Time entry", "status": "Status change"}


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    DISABLED = "disabled", "Disabled"


class IntegrationKind(models.TextChoices):
    SLACK = "slack", "Slack"
    TEAMS = "teams", "Microsoft Teams"
    CONNECTWISE = "connectwise", "ConnectWise Manage"
    AUTOTASK = "autotask", "Autotask"
    HALOPSA = "halopsa", "HaloPSA"
    # The offline stand-in the demo seeds when its account has no PSA (no network).
    DEMO_PSA = "demo_psa", "Demo PSA (offline stand-in)"


# The PSAs an admin can connect; the demo stand-in is only ever seeded.
REAL_PSA_KINDS = (IntegrationKind.CONNECTWISE, IntegrationKind.AUTOTASK, IntegrationKind.HALOPSA)
PSA_KINDS = (*REAL_PSA_KINDS, IntegrationKind.DEMO_PSA)


def slot_for_kind(kind: str) -> str:
    """Slack, Teams and PSA each have one slot per account; the PSA kinds share one."""
    return "psa" if kind in PSA_KINDS else kind


class Integration(models.Model):
    """An account's connection to Slack, Teams or a PSA.

    `config` holds what may be shown (site, company id, public key); `secrets` holds
    what may not (webhook URL, private key, client secret). Pages show secrets only
    masked, the logs never see them, and the database holds them encrypted.
    """

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="integrations")
    kind = models.CharField(max_length=20, choices=IntegrationKind.choices)
    # Derived from kind; the unique constraint on it is "one Slack, one Teams, one PSA".
    slot = models.CharField(max_length=10, editable=False)
    config = models.JSONField(default=dict, blank=True)
    secrets = EncryptedJSONField(default=dict, blank=True)
    enabled = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["account", "slot"]
        constraints = [
            models.UniqueConstraint(fields=["account", "slot"], name="one_integration_per_slot")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for account {self.account_id}"

    def save(self, *args, **kwargs):
        self.slot = slot_for_kind(self.kind)
        super().save(*args, **kwargs)

    @property
    def is_psa(self) -> bool:
        return self.kind in PSA_KINDS

    @property
    def primary_secret(self) -> str:
        """The one secret of this kind (webhook URL, private key, client secret), for masking."""
        return next((v for v in self.secrets.values() if v), "")


class WebhookEvent(models.TextChoices):
    HANDOFF_CREATED = "handoff.created", "An escalation was created"
    HANDOFF_CLAIMED = "handoff.claimed", "A handoff was claimed"
    HANDOFF_RESOLVED = "handoff.resolved", "A handoff was resolved"
    SESSION_RESOLVED = "session.resolved", "A session was resolved"


class Webhook(models.Model):
    """An admin's URL that Baton calls, signed, when one of `events` happens.

    Every call is a Delivery row (channel "webhook"), sent and retried like the other
    integrations; a permanent failure (401/403/404/410) disables the webhook and tells
    the admins. `secret` signs each call (HMAC-SHA256); it is shown in full only when
    created or rotated, so receivers can verify the signature.
    """

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="webhooks")
    description = models.CharField(max_length=120, blank=True)
    url = models.CharField(max_length=500)
    events = models.JSONField(default=list)
    secret = EncryptedTextField()  # a Fernet token in the database, like integration secrets
    enabled = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Webhook {self.pk} of account {self.account_id}"


class Delivery(models.Model):
    """One outbound send: an email, a chat or webhook post, or a PSA note."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # Email address, integration id (Slack/Teams), ticket number (PSA) or webhook id.
    target = models.CharField(max_length=254)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    notification = models.ForeignKey(
        Notification, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    # Credentials are read from the integration at send time (never copied into the
    # ledger), so a fixed webhook URL also fixes the retries.
    integration = models.ForeignKey(
        Integration, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    # The same for a webhook: its URL and secret are read when the call is made.
    webhook = models.ForeignKey(
        Webhook, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    # And for Web Push: the browser's endpoint and keys (removed on a 404/410).
    push_subscription = models.ForeignKey(
        "PushSubscription",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    subject = models.CharField(max_length=300)
    # The message itself: title, summary, requester, priority, ticket, url, note text.
    payload = models.JSONField(default=dict)
    dedupe_key = models.CharField(max_length=255, unique=True)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    external_id = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["account", "status", "channel"]),
        ]

    def __str__(self) -> str:
        return f"{self.channel_label} to {self.target}: {self.status}"

    @property
    def channel_label(self) -> str:
        """The channel as people read it; a PSA write says which kind of write it is
        (the escalation notes and the write-back on resolve share the channel)."""
        if self.channel == Channel.PSA:
            op = (self.payload or {}).get("op") or "note"
            return f"PSA {PSA_OP_LABELS.get(op, 'write').lower()}"
        return self.get_channel_display()


class EmailPreference(models.TextChoices):
    ALL = "all", "Every escalation in my account"
    TARGETED = "targeted", "Only escalations sent to me"
    NONE = "none", "No escalation emails"


class AlertPreference(models.TextChoices):
    """The same three choices for desktop and push alerts."""

    ALL = "all", "Every escalation in my account"
    TARGETED = "targeted", "Only escalations sent to me"
    NONE = "none", "None"


class NotificationPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.CharField(
        max_length=10, choices=EmailPreference.choices, default=EmailPreference.ALL
    )
    desktop = models.CharField(
        max_length=10, choices=AlertPreference.choices, default=AlertPreference.ALL
    )
    push = models.CharField(
        max_length=10, choices=AlertPreference.choices, default=AlertPreference.ALL
    )
    # Desktop and push alerts only while the person is available (see reach/availability).
    alerts_only_when_available = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.user}: email {self.email}, desktop {self.desktop}, push {self.push}"


class AvailabilityStatus(models.TextChoices):
    AVAILABLE = "available", "Available"
    BUSY = "busy", "Busy"
    AWAY = "away", "Away"


class Availability(models.Model):
    """What a person said (available / busy / away) and when a tab of theirs last saw
    them active. Whether they are away *now* is computed from these and the clock
    (notifications/reach/availability.py), never kept in a process's memory."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability"
    )
    status = models.CharField(
        max_length=10, choices=AvailabilityStatus.choices, default=AvailabilityStatus.AVAILABLE
    )
    last_seen_at = models.DateTimeField(null=True, blank=True)
    # Optional working hours in the person's own time zone; outside them they are away.
    work_start = models.TimeField(null=True, blank=True)
    work_end = models.TimeField(null=True, blank=True)
    # ISO weekdays worked, "12345" = Monday to Friday.
    work_days = models.CharField(max_length=7, default="12345", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "availabilities"

    def __str__(self) -> str:
        return f"{self.user}: {self.status}"


class PushSubscription(models.Model):
    """One browser or device that accepted Web Push for one person.

    The endpoint is the push service's URL for that browser; p256dh and auth are the
    browser's keys that encrypt each message (RFC 8291). A 404/410 from the push
    service means the browser dropped it: the row is deleted.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.CharField(max_length=800, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    user_agent = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Push subscription {self.pk} of user {self.user_id}"
