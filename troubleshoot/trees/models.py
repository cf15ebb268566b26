"""Decision trees: a tree, its versions (one editable draft, frozen published copies),
nodes and the options that connect them.

Publishing copies the draft into a new numbered version; nothing ever edits a
published version again, so a session that walked version 3 reads the same nodes
years later, whatever happened to the draft since.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

# Limits said to the user in the forms and checked by the import as well.
TREE_TITLE_MAX = 200
NODE_TITLE_MAX = 200
NODE_BODY_MAX = 5000
OPTION_LABEL_MAX = 200
TREE_MAX_NODES = 200


class NodeKind(models.TextChoices):
    QUESTION = "question", "Question"
    ACTION = "action", "Action"
    SOLUTION = "solution", "Solution"


class VersionState(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Tree(models.Model):
    account = models.ForeignKey(
        "troubleshoot.Account", on_delete=models.CASCADE, related_name="trees"
    )
    title = models.CharField(max_length=TREE_TITLE_MAX)
    category = models.CharField(max_length=60)
    description = models.TextField(blank=True, max_length=2000)
    tags = models.CharField(max_length=300, blank=True, help_text="Comma-separated.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="trees"
    )
    # Denormalised so the library lists trees with one query, whatever their count.
    latest_published = models.ForeignKey(
        "troubleshoot.TreeVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Title, description, tags and the node text of the latest published version:
    # what the library search matches against.
    search_text = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Soft delete: an archived tree leaves the library; sessions that used it still
    # open the version they walked.
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["account", "category"])]

    def __str__(self) -> str:
        return self.title

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class TreeVersion(models.Model):
    tree = models.ForeignKey(Tree, on_delete=models.CASCADE, related_name="versions")
    state = models.CharField(
        max_length=10, choices=VersionState.choices, default=VersionState.DRAFT
    )
    # 0 for the draft; 1, 2, ... for published versions.
    number = models.PositiveIntegerField(default=0)
    # The tree's title when this version was published, so old sessions show it.
    title = models.CharField(max_length=TREE_TITLE_MAX)
    start_node = models.ForeignKey(
        "troubleshoot.Node", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["tree_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["tree", "number"], name="tree_version_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.label})"

    @property
    def is_draft(self) -> bool:
        return self.state == VersionState.DRAFT

    @property
    def label(self) -> str:
        return "draft" if self.is_draft else f"v{self.number}"


class Node(models.Model):
    version = models.ForeignKey(TreeVersion, on_delete=models.CASCADE, related_name="nodes")
    kind = models.CharField(max_length=10, choices=NodeKind.choices)
    title = models.CharField(max_length=NODE_TITLE_MAX)
    body = models.TextField(blank=True, max_length=NODE_BODY_MAX, help_text="Markdown.")
    position = models.PositiveIntegerField(default=0)
    # Stable name inside a tree (kept across versions and in JSON exports).
    ref = models.CharField(max_length=40)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "ref"], name="node_ref_unique_in_version"),
        ]

    def __str__(self) -> str:
        return self.title


class Option(models.Model):
    """An answer to a question, or an outcome of an action ("Done", "Didn't work")."""

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(max_length=OPTION_LABEL_MAX)
    target = models.ForeignKey(
        Node, on_delete=models.SET_NULL, null=True, blank=True, related_name="incoming"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label


class ProposalStatus(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    ACCEPTED = "accepted", "Accepted"
    DISCARDED = "discarded", "Discarded"


class WordingStatus(models.TextChoices):
    NOTE = "note", "The resolution note as written"
    WRITING = "writing", "AI is redrafting"
    AI = "ai", "Redrafted by the AI"
    FAILED = "failed", "AI redraft failed (the note is used)"


class TreeProposal(models.Model):
    """A change to a tree's draft drafted from a resolved escalation: a new answer on the
    step where the junior was stuck, leading to a new solution written from the
    resolution note. The answer and the solution are real draft rows (marked by this
    proposal) until an editor accepts (the marker goes), or discards them (they go)."""

    tree = models.ForeignKey(Tree, on_delete=models.CASCADE, related_name="proposals")
    # The draft step the new answer hangs on, the answer and the solution it adds.
    node = models.ForeignKey(
        Node, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    option = models.ForeignKey(
        Option, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals"
    )
    solution = models.ForeignKey(
        Node, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals"
    )
    session = models.ForeignKey(
        "troubleshoot.Session", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    problem_summary = models.CharField(max_length=500, blank=True)
    resolution_note = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    wording = models.CharField(
        max_length=10, choices=WordingStatus.choices, default=WordingStatus.NOTE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["tree", "status"])]

    def __str__(self) -> str:
        return f"Proposal for {self.tree_id} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == ProposalStatus.PENDING
