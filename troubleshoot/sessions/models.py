"""Troubleshooting sessions and their timeline of steps."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone

PROBLEM_SUMMARY_MAX = 500
STEP_TEXT_MAX = 10000
NOTE_MAX = 5000


class SessionStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PARKED = "parked", "Parked"
    ESCALATED = "escalated", "Escalated"
    CLAIMED = "claimed", "Claimed"
    RESOLVED = "resolved", "Resolved"
    ABANDONED = "abandoned", "Abandoned"


class SessionKind(models.TextChoices):
    TREE = "tree", "Decision tree"
    CHAT = "chat", "AI chat"


class StepKind(models.TextChoices):
    ANSWER = "answer", "Tree step"
    USER_MESSAGE = "user_message", "Message"
    ASSISTANT_MESSAGE = "assistant_message", "Assistant"
    NOTE = "note", "Note"
    SYSTEM = "system", "System"


class Session(models.Model):
    account = models.ForeignKey(
        "troubleshoot.Account", on_delete=models.CASCADE, related_name="sessions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sessions"
    )
    team = models.ForeignKey(
        "troubleshoot.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_sessions",
    )
    kind = models.CharField(max_length=10, choices=SessionKind.choices, default=SessionKind.TREE)
    # PROTECT: a version a session walked must never disappear under it.
    tree_version = models.ForeignKey(
        "troubleshoot.TreeVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        db_index=False,  # the (tree_version, id) index below serves its lookups
    )
    # Where the walk stands; null before a tree starts and after it ends.
    current_node = models.ForeignKey(
        "troubleshoot.Node", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    problem_summary = models.CharField(max_length=PROBLEM_SUMMARY_MAX)
    client_name = models.CharField(max_length=200, blank=True)
    psa_ticket = models.CharField(max_length=40, blank=True)
    # From the PSA ticket the session was started from (or typed): who reported it
    # and the PSA's own priority name, as the PSA words them.
    contact_name = models.CharField(max_length=200, blank=True)
    ticket_priority = models.CharField(max_length=60, blank=True)
    status = models.CharField(
        max_length=10, choices=SessionStatus.choices, default=SessionStatus.ACTIVE
    )
    resolution_note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # "Seen before" (sessions/similar.py): the text of the walk (steps, choices, notes,
    # messages), written by sessions/search.py when a session is resolved or corrected,
    # and on PostgreSQL its weighted tsvector (summary and resolution note weigh most),
    # GIN-indexed by migration 0007. SQLite keeps the vector empty and matches the text.
    search_document = models.TextField(blank=True, default="")
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-last_activity_at", "-id"]
        indexes = [
            models.Index(fields=["account", "status"]),
            models.Index(fields=["user", "last_activity_at"]),
            # Analytics: a tree's sessions by id, index-only (the tree filter joins the
            # period's escalations to them; a scan of every session otherwise).
            models.Index(fields=["tree_version", "id"], name="session_tree_version_id"),
            # Analytics: one account's sessions started in a period, with the columns
            # the page groups by, so the scan is index-only.
            models.Index(
                fields=["account", "created_at"],
                include=["id", "tree_version", "status", "user", "team"],
                name="session_analytics",
            ),
        ]

    def __str__(self) -> str:
        return self.problem_summary

    @property
    def is_open(self) -> bool:
        return self.status not in (SessionStatus.RESOLVED, SessionStatus.ABANDONED)


class Step(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="steps")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=StepKind.choices)
    node = models.ForeignKey(
        "troubleshoot.Node", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    choice_label = models.CharField(max_length=200, blank=True)
    # Where the choice led (null for a solution's end or non-tree steps).
    next_node = models.ForeignKey(
        "troubleshoot.Node", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    text = models.TextField(blank=True)
    # Jumping back keeps the later steps, marked abandoned: the history stays true.
    abandoned = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["session", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} in session {self.session_id}"
