"""/api/v1/ handoff endpoints: park or escalate a session, the queue, claim, release,
reassign, cancel, resolve, re-escalate.

Each calls the service the page calls (handoffs.services), so the rows written and
the after-commit work (events, bells, deliveries, the assessment) are the same.
Another account's ids are 404; a loser of a claim gets 409 naming the winner.
"""

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from handoffs import services
from handoffs.api.serializers import (
    ConflictSerializer,
    HandoffCreateSerializer,
    HandoffDetailSerializer,
    HandoffListQuerySerializer,
    HandoffNoteSerializer,
    HandoffSerializer,
    QueueCardSerializer,
    QueueQuerySerializer,
    ReassignSerializer,
    ReescalateSerializer,
)
from handoffs.errors import AlreadyClaimed, HandoffError
from handoffs.models import Handoff
from handoffs.selectors import (
    QueueFilters,
    get_visible_handoff_for_user,
    handoffs_visible_to,
    queued_handoffs,
)
from troubleshoot.accounts.api.errors import register_error
from troubleshoot.accounts.api.input import validated
from troubleshoot.accounts.api.permissions import ActionRoles, IsEngineer, IsMember
from troubleshoot.sessions.selectors import get_session_for_user


def _handoff_error(exc: HandoffError) -> tuple[int, dict]:
    body = {"detail": exc.message}
    if getattr(exc, "field", None):
        body["errors"] = {exc.field: [exc.message]}
    return exc.status_code, body


def _already_claimed(exc: AlreadyClaimed) -> tuple[int, dict]:
    return 409, {
        "detail": exc.message,
        "claimed_by": exc.claimed_by_name,
        "claimed_at": timezone.localtime(exc.claimed_at).isoformat() if exc.claimed_at else None,
    }


register_error(HandoffError, _handoff_error)
register_error(AlreadyClaimed, _already_claimed)

TAGS = ["handoffs"]


def handoff_response(request, handoff_id: int, *, status_code: int = 200) -> Response:
    handoff = get_visible_handoff_for_user(request.user, handoff_id)
    return Response(HandoffDetailSerializer(handoff).data, status=status_code)


class SessionHandoffView(APIView):
    """POST /api/v1/sessions/{session_id}/handoff/: park or escalate the session."""

    permission_classes = [IsEngineer]
    queryset = Handoff.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="sessions_handoff_create",
        request=HandoffCreateSerializer,
        responses={201: HandoffDetailSerializer},
        description="Park (private) or escalate (rings the team, emails, Slack/Teams, the "
        "PSA note and the AI assessment, all after commit) the session, as its page does.",
    )
    def post(self, request, session_id: int):
        session = get_session_for_user(request.user, session_id, for_page=False)
        data = validated(HandoffCreateSerializer, request)
        handoff = services.handoff_create(
            actor=request.user,
            session_id=session.pk,
            intent=data["intent"],
            priority=data["priority"],
            engineer_notes=data["engineer_notes"],
            target_user_id=data["target_user_id"],
        )
        return handoff_response(request, handoff.pk, status_code=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        tags=TAGS,
        parameters=[HandoffListQuerySerializer],
        responses=HandoffSerializer(many=True),
        description="Handoffs of your account, newest first (parks only for engineers "
        "and the people involved).",
    ),
    retrieve=extend_schema(tags=TAGS, responses=HandoffDetailSerializer),
)
class HandoffViewSet(ActionRoles, viewsets.GenericViewSet):
    queryset = Handoff.objects.none()
    serializer_class = HandoffSerializer
    lookup_url_kwarg = "handoff_id"
    lookup_value_regex = "[0-9]+"
    action_roles = {"list": IsMember, "retrieve": IsMember}

    def list(self, request):
        query = HandoffListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        handoffs = handoffs_visible_to(request.user)
        for field in ("status", "intent", "priority"):
            if q[field]:
                handoffs = handoffs.filter(**{field: q[field]})
        if q.get("session"):
            handoffs = handoffs.filter(session_id=q["session"])
        page = self.paginate_queryset(handoffs)
        return self.get_paginated_response(HandoffSerializer(page, many=True).data)

    def retrieve(self, request, handoff_id: int):
        return handoff_response(request, handoff_id)

    @extend_schema(
        tags=TAGS,
        parameters=[QueueQuerySerializer],
        responses=QueueCardSerializer(many=True),
        description="The team queue: open parked and escalated handoffs, most urgent "
        "first, then oldest.",
    )
    @action(detail=False, methods=["get"], permission_classes=[IsEngineer])
    def queue(self, request):
        query = QueueQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        filters = QueueFilters(
            intent=q["intent"],
            priority=q["priority"],
            team_id=q.get("team"),
            targeted_to_me=q["mine"],
        )
        page = self.paginate_queryset(queued_handoffs(request.user, filters))
        return self.get_paginated_response(QueueCardSerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        request=None,
        responses={200: HandoffDetailSerializer, 409: ConflictSerializer},
        description="Take a queued handoff. Exactly one claimer wins; every other gets "
        "409 naming the winner and the time.",
    )
    @action(detail=True, methods=["post"], permission_classes=[IsEngineer])
    def claim(self, request, handoff_id: int):
        handoff = get_visible_handoff_for_user(request.user, handoff_id)
        services.handoff_claim(actor=request.user, handoff_id=handoff.pk)
        return handoff_response(request, handoff.pk)

    def _with_note(self, request, handoff_id: int, service) -> Response:
        handoff = get_visible_handoff_for_user(request.user, handoff_id)
        data = validated(HandoffNoteSerializer, request)
        service(actor=request.user, handoff_id=handoff.pk, note=data["note"])
        return handoff_response(request, handoff.pk)

    @extend_schema(tags=TAGS, request=HandoffNoteSerializer, responses=HandoffDetailSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsEngineer])
    def release(self, request, handoff_id: int):
        """The claimer puts it back in the queue, with a note."""
        return self._with_note(request, handoff_id, services.handoff_release)

    @extend_schema(tags=TAGS, request=HandoffNoteSerializer, responses=HandoffDetailSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsEngineer])
    def cancel(self, request, handoff_id: int):
        """The requester takes it back while unclaimed (for a park: resume)."""
        return self._with_note(request, handoff_id, services.handoff_cancel)

    @extend_schema(tags=TAGS, request=HandoffNoteSerializer, responses=HandoffDetailSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsEngineer])
    def resolve(self, request, handoff_id: int):
        """Close the handoff and its session."""
        return self._with_note(request, handoff_id, services.handoff_resolve)

    @extend_schema(tags=TAGS, request=ReassignSerializer, responses=HandoffDetailSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsEngineer])
    def reassign(self, request, handoff_id: int):
        """The claimer (or an admin) hands it to a named teammate."""
        handoff = get_visible_handoff_for_user(request.user, handoff_id)
        data = validated(ReassignSerializer, request)
        services.handoff_reassign(
            actor=request.user,
            handoff_id=handoff.pk,
            to_user_id=data["to_user_id"],
            note=data["note"],
        )
        return handoff_response(request, handoff.pk)

    @extend_schema(tags=TAGS, request=ReescalateSerializer, responses=HandoffDetailSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsEngineer])
    def reescalate(self, request, handoff_id: int):
        """Raise the priority of a queued handoff and ring the team again."""
        handoff = get_visible_handoff_for_user(request.user, handoff_id)
        data = validated(ReescalateSerializer, request)
        services.handoff_reescalate(
            actor=request.user,
            handoff_id=handoff.pk,
            priority=data["priority"],
            note=data["note"],
        )
        return handoff_response(request, handoff.pk)
