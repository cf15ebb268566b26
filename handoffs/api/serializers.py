"""Handoffs in API answers, and the input of each handoff action."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from handoffs.models import NOTES_MAX, Handoff, HandoffEvent, HandoffStatus, Intent, Priority
from troubleshoot.accounts.api.serializers import PersonSerializer


class TeamRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class QueueCardSerializer(serializers.ModelSerializer):
    """What a queue card shows: only the fields the queue's query loads."""

    session_id = serializers.IntegerField()
    problem_summary = serializers.CharField(source="session.problem_summary")
    psa_ticket = serializers.CharField(source="session.psa_ticket")
    client_name = serializers.CharField(source="session.client_name")
    created_by = PersonSerializer()
    target_user = PersonSerializer(allow_null=True)
    team = TeamRefSerializer(allow_null=True)

    class Meta:
        model = Handoff
        fields = [
            "id",
            "session_id",
            "intent",
            "priority",
            "status",
            "problem_summary",
            "psa_ticket",
            "client_name",
            "engineer_notes",
            "created_by",
            "target_user",
            "team",
            "ai_status",
            "created_at",
            "queued_at",
        ]


class HandoffSerializer(QueueCardSerializer):
    claimed_by = PersonSerializer(allow_null=True)

    class Meta(QueueCardSerializer.Meta):
        fields = [*QueueCardSerializer.Meta.fields, "claimed_by", "claimed_at", "closed_at"]


class HandoffEventSerializer(serializers.ModelSerializer):
    actor = PersonSerializer(allow_null=True)

    class Meta:
        model = HandoffEvent
        fields = ["kind", "actor", "from_status", "to_status", "note", "created_at"]


class HandoffDetailSerializer(HandoffSerializer):
    snapshot = serializers.JSONField(
        help_text="The session as it was handed over (summary, steps, documentation)."
    )
    ai_assessment = serializers.JSONField()
    events = serializers.SerializerMethodField(help_text="The audit trail, oldest first.")

    class Meta(HandoffSerializer.Meta):
        fields = [
            *HandoffSerializer.Meta.fields,
            "snapshot",
            "ai_assessment",
            "escalation_package",
            "ai_error",
            "events",
        ]

    @extend_schema_field(HandoffEventSerializer(many=True))
    def get_events(self, handoff):
        events = handoff.events.select_related("actor").order_by("created_at", "id")
        return HandoffEventSerializer(events, many=True).data


# --- input -----------------------------------------------------------------------


class HandoffCreateSerializer(serializers.Serializer):
    intent = serializers.ChoiceField(
        choices=Intent.choices,
        help_text="park: private, waits in the team queue; escalate: rings the team now.",
    )
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    engineer_notes = serializers.CharField(
        max_length=NOTES_MAX, required=False, allow_blank=True, default=""
    )
    target_user_id = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="A teammate it is meant for."
    )


class HandoffNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=NOTES_MAX, required=False, allow_blank=True, default="")


class ReassignSerializer(HandoffNoteSerializer):
    to_user_id = serializers.IntegerField(min_value=1)


class ReescalateSerializer(HandoffNoteSerializer):
    priority = serializers.ChoiceField(choices=Priority.choices)


class HandoffListQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[("", "any"), *HandoffStatus.choices], default="")
    intent = serializers.ChoiceField(choices=[("", "any"), *Intent.choices], default="")
    priority = serializers.ChoiceField(choices=[("", "any"), *Priority.choices], default="")
    session = serializers.IntegerField(min_value=1, required=False)


class QueueQuerySerializer(serializers.Serializer):
    intent = serializers.ChoiceField(choices=[("", "any"), *Intent.choices], default="")
    priority = serializers.ChoiceField(choices=[("", "any"), *Priority.choices], default="")
    team = serializers.IntegerField(min_value=1, required=False)
    mine = serializers.BooleanField(default=False, help_text="Only those targeted to me.")


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    claimed_by = serializers.CharField(required=False, help_text="Who won the claim.")
    claimed_at = serializers.DateTimeField(required=False)
