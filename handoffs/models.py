"""Handoffs: a session parked or escalated to the team, with its audit trail.

The snapshot is the session as it stood at the moment of handoff and never changes;
the session itself goes on (the claimer's steps join its timeline).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

NOTES_MAX = 5000


class Intent(models.TextChoices):
    PARK = "park", "Park"
    ESCALATE = "escalate", "Escalate"


# The labels above are verbs, for the form's choices. A sentence that names a handoff
# ("picked up your escalation", "this parked session is resolved") needs a noun.
INTENT_NOUNS = {Intent.PARK: "parked session", Intent.ESCALATE: "escalation"}


class Priority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


# Lower sorts first in the queue: urgent work on top.
PRIORITY_ORDER = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3}


class HandoffStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLAIMED = "claimed", "Claimed"
    RELEASED = "released", "Released"
    CANCELLED = "cancelled", "Cancelled"
    RESOLVED = "resolved", "Resolved"


# In the queue, waiting for someone to claim it.
QUEUED_STATUSES = (HandoffStatus.OPEN, HandoffStatus.RELEASED)
# Not finished: a session has at most one handoff in these states.
ACTIVE_STATUSES = (HandoffStatus.OPEN, HandoffStatus.CLAIMED, HandoffStatus.RELEASED)


class AIStatus(models.TextChoices):
    PENDING = "pending", "Writing"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"


class Handoff(models.Model):
    session = models.ForeignKey(
        "troubleshoot.Session", on_delete=models.CASCADE, related_name="handoffs"
    )
    account = models.ForeignKey(
        "troubleshoot.Account", on_delete=models.CASCADE, related_name="handoffs"
    )
    team = models.ForeignKey(
        "troubleshoot.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    intent = models.CharField(max_length=10, choices=Intent.choices)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    # Computed by the database from `priority`, so the queue's order (urgent first)
    # can come straight off an index instead of sorting every open row.
    priority_rank = models.GeneratedField(
        expression=models.Case(
            *[
                models.When(priority=p, then=models.Value(rank))
                for p, rank in PRIORITY_ORDER.items()
            ],
            default=models.Value(9),
        ),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    engineer_notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="handoffs_created"
    )
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="handoffs_targeted",
    )
    status = models.CharField(
        max_length=10, choices=HandoffStatus.choices, default=HandoffStatus.OPEN
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="handoffs_claimed",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    # For the analytics, kept by the services (claim, the unclaimed ladder) so the page
    # reads them off this row instead of joining the audit trail: the first claim (a
    # release and re-claim does not move it) and how many reminders the ladder sent.
    first_claimed_at = models.DateTimeField(null=True, blank=True)
    unclaimed_reminders = models.PositiveSmallIntegerField(default=0)
    snapshot = models.JSONField(default=dict)
    # The tree step the session stood on when it was handed off (null for an AI chat
    # or a walk not started): the analytics' "hot steps" count escalations per step.
    tree_node = models.ForeignKey(
        "troubleshoot.Node", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ai_status = models.CharField(max_length=10, choices=AIStatus.choices, default=AIStatus.PENDING)
    ai_assessment = models.JSONField(default=dict, blank=True)
    escalation_package = models.TextField(blank=True)
    ai_error = models.CharField(max_length=500, blank=True)
    # When it (re)entered the queue: the unclaimed ladder counts from here.
    queued_at = models.DateTimeField(default=timezone.now)
    ladder_step = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["account", "status", "intent"]),
            models.Index(fields=["session", "created_at"]),
            # The queue: one account's queued handoffs, most urgent first, then oldest.
            models.Index(
                fields=["account", "priority_rank", "queued_at", "id"],
                condition=Q(status__in=["open", "released"]),
                name="handoff_queue_order",
            ),
            # Analytics: one account's escalations of a period, with every column the
            # page reads, so its scans are index-only (the rows are wide: the snapshot).
            models.Index(
                fields=["account", "intent", "created_at"],
                include=[
                    "id",
                    "session",
                    "team",
                    "priority",
                    "status",
                    "created_by",
                    "tree_node",
                    "closed_at",
                    "first_claimed_at",
                    "unclaimed_reminders",
                ],
                name="handoff_analytics",
            ),  # fmt: skip
        ]
        constraints = [
            # The database, not the code, guarantees one live handoff per session.
            models.UniqueConstraint(
                fields=["session"],
                condition=Q(status__in=["open", "claimed", "released"]),
                name="one_active_handoff_per_session",
            )
        ]

    def __str__(self) -> str:
        return f"{self.noun.capitalize()} #{self.pk} ({self.get_status_display().lower()})"

    @property
    def noun(self) -> str:
        """What sentences call it: "escalation" or "parked session"."""
        return INTENT_NOUNS.get(self.intent, "handoff")

    @property
    def article_noun(self) -> str:
        """E.g. "an escalation" or "a parked session"."""
        noun = self.noun
        return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"

    @property
    def state_phrase(self) -> str:
        """Its status as the end of a sentence ("this escalation is claimed"); a park
        its owner took back was resumed, not cancelled."""
        if self.intent == Intent.PARK and self.status == HandoffStatus.CANCELLED:
            return "resumed by its owner"
        return self.get_status_display().lower()

    @property
    def status_label(self) -> str:
        """Its status on a pill or as an outcome ("Resolved", "Resumed")."""
        if self.intent == Intent.PARK and self.status == HandoffStatus.CANCELLED:
            return "Resumed"
        return self.get_status_display()

    @property
    def is_queued(self) -> bool:
        return self.status in QUEUED_STATUSES

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class EventKind(models.TextChoices):
    CREATED = "created", "Handed off"
    CLAIMED = "claimed", "Claimed"
    RELEASED = "released", "Released"
    REASSIGNED = "reassigned", "Reassigned"
    CANCELLED = "cancelled", "Cancelled"
    RESOLVED = "resolved", "Resolved"
    REESCALATED = "reescalated", "Re-escalated"
    UNCLAIMED_REMINDER = "unclaimed_reminder", "Still unclaimed"
    ASSESSMENT = "assessment", "AI assessment"


# The audit rows that end a handoff: the pickup screen's history shows them as its outcome.
CLOSING_EVENT_KINDS = (EventKind.RESOLVED, EventKind.CANCELLED)


class HandoffEvent(models.Model):
    """The audit trail: who did what, when, from which state to which, and why."""

    handoff = models.ForeignKey(Handoff, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    # Whom it went to, for a reassignment (the actor is who moved it): the pickup
    # screen's history names everyone who held the handoff.
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # Analytics: the claims and resolutions since the period began, with whose
            # and which handoff's they are (index-only; the per-engineer counts).
            models.Index(
                fields=["kind", "created_at"],
                include=["handoff", "actor"],
                name="handoffevent_kind_since",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on handoff {self.handoff_id}"
