"""/api/v1/sessions/: list, start, read, walk, note, resolve, and the documentation.

Each action does what the session page does: another account's or a private
session is 404 before anything else (get_session_for_user), the role is checked
like the page's decorator, and the one service the page calls does the work.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from troubleshoot.accounts.api.errors import register_error
from troubleshoot.accounts.api.input import validated
from troubleshoot.accounts.api.permissions import ActionRoles, IsEngineer, IsMember
from troubleshoot.accounts.api.renderers import MarkdownRenderer
from troubleshoot.sessions import ai
from troubleshoot.sessions import chat as chat_services
from troubleshoot.sessions import services as session_services
from troubleshoot.sessions.api.serializers import (
    AnswerSerializer,
    JumpBackSerializer,
    MessageSerializer,
    NoteSerializer,
    ResolveSerializer,
    SessionDetailSerializer,
    SessionListQuerySerializer,
    SessionSerializer,
    SessionStartSerializer,
    StepSerializer,
)
from troubleshoot.sessions.documentation import session_document
from troubleshoot.sessions.models import Session
from troubleshoot.sessions.selectors import (
    can_work_on_session,
    get_session_for_user,
    session_with_steps,
    sessions_list_for_user,
    steps_for_session,
)
from troubleshoot.trees.models import Node
from troubleshoot.trees.selectors import get_tree_for_user

register_error(session_services.StepRejected, lambda exc: (400, {"detail": str(exc)}))
register_error(session_services.SessionConflict, lambda exc: (409, {"detail": str(exc)}))
# The model could not answer: nothing was stored, ask again (503, like the page).
register_error(ai.AIError, lambda exc: (503, {"detail": exc.message}))


def session_detail_response(request, session_id: int, *, status_code: int = 200) -> Response:
    """The session as the caller may see it, with its timeline and the current step."""
    session = get_session_for_user(request.user, session_id)
    node = None
    if session.current_node_id:
        node = (
            Node.objects.filter(pk=session.current_node_id, version_id=session.tree_version_id)
            .prefetch_related("options")
            .first()
        )
    context = {
        "steps": steps_for_session(session),
        "current_node": node,
        "can_work": can_work_on_session(request.user, session),
    }
    return Response(SessionDetailSerializer(session, context=context).data, status=status_code)


TAGS = ["sessions"]


@extend_schema_view(
    list=extend_schema(
        tags=TAGS, parameters=[SessionListQuerySerializer], responses=SessionSerializer(many=True)
    ),
    retrieve=extend_schema(tags=TAGS, responses=SessionDetailSerializer),
    create=extend_schema(
        tags=TAGS,
        request=SessionStartSerializer,
        responses={201: SessionDetailSerializer},
        description="Start a session from a tree (kind=tree, tree_id) or as an AI chat "
        "(kind=chat, optional first_message), with a summary, client and PSA ticket.",
    ),
)
class SessionViewSet(ActionRoles, viewsets.GenericViewSet):
    queryset = Session.objects.none()  # the schema's path types; reads go through selectors
    serializer_class = SessionSerializer
    lookup_url_kwarg = "session_id"
    lookup_value_regex = "[0-9]+"
    action_roles = {"list": IsMember, "retrieve": IsMember, "create": IsEngineer}

    def list(self, request):
        query = SessionListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        sessions = sessions_list_for_user(
            request.user,
            scope=q["scope"],
            status=q["status"],
            kind=q["kind"],
            psa_ticket=q["ticket"].strip().lstrip("#"),
            tree_id=q.get("tree"),
        )
        page = self.paginate_queryset(sessions)
        return self.get_paginated_response(SessionSerializer(page, many=True).data)

    def retrieve(self, request, session_id: int):
        return session_detail_response(request, session_id)

    def create(self, request):
        data = validated(SessionStartSerializer, request)
        if data["tree_id"] is not None:
            get_tree_for_user(request.user, data["tree_id"])  # another account's: 404
        session = session_services.session_start(actor=request.user, **data)
        return session_detail_response(request, session.pk, status_code=status.HTTP_201_CREATED)

    @extend_schema(tags=TAGS, request=AnswerSerializer, responses=SessionDetailSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsEngineer])
    def answer(self, request, session_id: int):
        """Answer the current step (or an earlier one: back to it) with one of its options."""
        session = get_session_for_user(request.user, session_id, for_page=False)
        data = validated(AnswerSerializer, request, current_node_id=session.current_node_id)
        session_services.session_answer(actor=request.user, session_id=session.pk, **data)
        return session_detail_response(request, session.pk)

    @extend_schema(tags=TAGS, request=JumpBackSerializer, responses=SessionDetailSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsEngineer])
    def back(self, request, session_id: int):
        """Go back to an earlier step of the walk; later steps stay, marked abandoned."""
        session = get_session_for_user(request.user, session_id, for_page=False)
        data = validated(JumpBackSerializer, request)
        session_services.session_jump_back(
            actor=request.user, session_id=session.pk, step_id=data["step_id"]
        )
        return session_detail_response(request, session.pk)

    @extend_schema(tags=TAGS, request=NoteSerializer, responses={201: StepSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsEngineer])
    def notes(self, request, session_id: int):
        session = get_session_for_user(request.user, session_id, for_page=False)
        data = validated(NoteSerializer, request)
        step = session_services.session_add_note(
            actor=request.user, session_id=session.pk, note=data["note"]
        )
        return Response(StepSerializer(step).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=TAGS, request=MessageSerializer, responses={201: StepSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsEngineer])
    def messages(self, request, session_id: int):
        """AI chat: the engineer's message, saved at once; ask for the answer with reply/."""
        session = get_session_for_user(request.user, session_id, for_page=False)
        data = validated(MessageSerializer, request)
        step = chat_services.chat_post_message(
            actor=request.user, session_id=session.pk, text=data["text"]
        )
        return Response(StepSerializer(step).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=TAGS,
        request=None,
        responses={
            200: StepSerializer,
            204: None,
            503: OpenApiResponse(description="The model failed; ask again."),
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[IsEngineer])
    def reply(self, request, session_id: int):
        """AI chat: the assistant's answer to the last message (waits for the model,
        up to BATON_AI_TIMEOUT). 204 when no message awaits an answer; 503 when the
        model failed (nothing lost: ask again)."""
        session = get_session_for_user(request.user, session_id)
        if not can_work_on_session(request.user, session):
            raise PermissionDenied("Only the engineer working this session can ask the assistant.")
        step = chat_services.chat_reply(actor=request.user, session=session)
        if step is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(StepSerializer(step).data)

    @extend_schema(tags=TAGS, request=ResolveSerializer, responses=SessionDetailSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsEngineer])
    def resolve(self, request, session_id: int):
        """Close the session as fixed (at a solution, that solution is recorded)."""
        session = get_session_for_user(request.user, session_id, for_page=False)
        data = validated(ResolveSerializer, request)
        session_services.session_resolve(
            actor=request.user, session_id=session.pk, resolution_note=data["resolution_note"]
        )
        return session_detail_response(request, session.pk)

    @extend_schema(tags=TAGS, request=None, responses=SessionDetailSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsEngineer])
    def abandon(self, request, session_id: int):
        session = get_session_for_user(request.user, session_id, for_page=False)
        session_services.session_abandon(actor=request.user, session_id=session.pk)
        return session_detail_response(request, session.pk)

    @extend_schema(
        tags=TAGS,
        responses={(200, "text/markdown"): OpenApiResponse(OpenApiTypes.STR)},
        description="The session's write-up as Markdown (the page's export).",
    )
    @action(
        detail=True,
        methods=["get"],
        permission_classes=[IsMember],
        renderer_classes=[JSONRenderer, MarkdownRenderer],
    )
    def documentation(self, request, session_id: int):
        session = get_session_for_user(request.user, session_id, for_page=False)
        response = HttpResponse(
            session_document(session_with_steps(session.pk)),
            content_type="text/markdown; charset=utf-8",
        )
        response["Content-Disposition"] = f'inline; filename="baton-session-{session.pk}.md"'
        return response
