"""Sessions in API answers, and the input of each session action.

Input runs through the page's own forms (SessionStartForm, AnswerForm, NoteForm,
ResolveForm), so a limit or a ticket format is checked the same way in both places.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from troubleshoot.accounts.api.input import run_form
from troubleshoot.accounts.api.serializers import PersonSerializer
from troubleshoot.sessions.chat import MESSAGE_MAX
from troubleshoot.sessions.forms import (
    AnswerForm,
    ChatStartForm,
    MessageForm,
    NoteForm,
    ResolveForm,
    SessionStartForm,
)
from troubleshoot.sessions.models import (
    NOTE_MAX,
    PROBLEM_SUMMARY_MAX,
    Session,
    SessionKind,
    SessionStatus,
    Step,
)
from troubleshoot.trees.models import Node


class TreeRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="tree_id")
    title = serializers.CharField()
    version = serializers.IntegerField(source="number")


class SessionSerializer(serializers.ModelSerializer):
    tree = TreeRefSerializer(source="tree_version", allow_null=True)
    user = PersonSerializer()
    assignee = PersonSerializer(allow_null=True)

    class Meta:
        model = Session
        fields = [
            "id",
            "kind",
            "status",
            "problem_summary",
            "client_name",
            "contact_name",
            "psa_ticket",
            "ticket_priority",
            "tree",
            "user",
            "assignee",
            "created_at",
            "last_activity_at",
            "resolved_at",
        ]


class NodeRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Node
        fields = ["id", "kind", "title"]


class StepSerializer(serializers.ModelSerializer):
    author = PersonSerializer(allow_null=True)
    node = NodeRefSerializer(allow_null=True)
    choice = serializers.CharField(source="choice_label")
    next_node_id = serializers.IntegerField(allow_null=True)

    class Meta:
        model = Step
        fields = [
            "id",
            "kind",
            "author",
            "node",
            "choice",
            "next_node_id",
            "note",
            "text",
            "abandoned",
            "created_at",
        ]


class OptionOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    leads_to = serializers.IntegerField(source="target_id", allow_null=True)


class CurrentStepSerializer(serializers.ModelSerializer):
    body = serializers.CharField(help_text="Markdown.")
    options = OptionOutSerializer(many=True, help_text="Answer with one option's id.")

    class Meta:
        model = Node
        fields = ["id", "kind", "title", "body", "options"]


class SessionDetailSerializer(SessionSerializer):
    resolution_note = serializers.CharField()
    current_step = serializers.SerializerMethodField(
        help_text="Where the walk stands (null when it has ended or for an AI chat)."
    )
    can_work = serializers.SerializerMethodField(
        help_text="May the caller answer, add notes and resolve right now?"
    )
    steps = serializers.SerializerMethodField()

    class Meta(SessionSerializer.Meta):
        fields = [
            *SessionSerializer.Meta.fields,
            "resolution_note",
            "current_step",
            "can_work",
            "steps",
        ]

    @extend_schema_field(CurrentStepSerializer(allow_null=True))
    def get_current_step(self, session):
        node = self.context.get("current_node")
        return CurrentStepSerializer(node).data if node is not None else None

    def get_can_work(self, session) -> bool:
        return self.context.get("can_work", False)

    @extend_schema_field(StepSerializer(many=True))
    def get_steps(self, session):
        return StepSerializer(self.context.get("steps", []), many=True).data


# --- input -----------------------------------------------------------------------


class SessionStartSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SessionKind.choices, default=SessionKind.TREE)
    tree_id = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="For kind=tree: the tree to walk (its latest published version).",
    )
    problem_summary = serializers.CharField(max_length=PROBLEM_SUMMARY_MAX)
    client_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    psa_ticket = serializers.CharField(
        max_length=41,
        required=False,
        allow_blank=True,
        default="",
        help_text="12345 or your PSA's format (T20240101.0042); a leading # is dropped.",
    )
    contact_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text="Who reported it."
    )
    ticket_priority = serializers.CharField(
        max_length=60,
        required=False,
        allow_blank=True,
        default="",
        help_text="The ticket's priority as the PSA names it.",
    )
    first_message = serializers.CharField(
        max_length=MESSAGE_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text="For kind=chat: the engineer's opening message.",
    )

    def validate(self, data):
        is_chat = data["kind"] == SessionKind.CHAT
        cleaned = run_form(ChatStartForm if is_chat else SessionStartForm, data)
        if not is_chat and not data.get("tree_id"):
            raise serializers.ValidationError({"tree_id": ["Pick a tree to walk."]})
        return {**cleaned, "kind": data["kind"], "tree_id": None if is_chat else data["tree_id"]}


class AnswerSerializer(serializers.Serializer):
    option_id = serializers.IntegerField(min_value=1, help_text="One of current_step.options.")
    node_id = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The step answered; defaults to the current one. An earlier step of the "
        "walk goes back to it (the later steps stay, marked abandoned).",
    )
    note = serializers.CharField(max_length=NOTE_MAX, required=False, allow_blank=True, default="")

    def validate(self, data):
        node_id = data.get("node_id") or self.context["current_node_id"]
        if node_id is None:
            raise serializers.ValidationError(
                {"node_id": ["This session has no current step to answer."]}
            )
        form_data = {"node": node_id, "option": data["option_id"], "note": data["note"]}
        cleaned = run_form(AnswerForm, form_data)
        return {"node_id": cleaned["node"], "option_id": cleaned["option"], "note": cleaned["note"]}


class JumpBackSerializer(serializers.Serializer):
    step_id = serializers.IntegerField(min_value=1)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=NOTE_MAX)

    def validate(self, data):
        return run_form(NoteForm, data)


class MessageSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=MESSAGE_MAX)

    def validate(self, data):
        return run_form(MessageForm, data)


class ResolveSerializer(serializers.Serializer):
    resolution_note = serializers.CharField(max_length=NOTE_MAX, help_text="What fixed it.")

    def validate(self, data):
        return run_form(ResolveForm, data)


class SessionListQuerySerializer(serializers.Serializer):
    scope = serializers.ChoiceField(
        choices=[("mine", "mine"), ("team", "team")],
        default="mine",
        help_text="mine: your own and assigned sessions; team: also the account's "
        "escalated, claimed and resolved ones.",
    )
    status = serializers.ChoiceField(
        choices=[("", "any"), ("open", "open"), *SessionStatus.choices],
        default="",
        required=False,
    )
    kind = serializers.ChoiceField(choices=[("", "any"), *SessionKind.choices], default="")
    ticket = serializers.CharField(max_length=41, required=False, default="")
    tree = serializers.IntegerField(min_value=1, required=False)
