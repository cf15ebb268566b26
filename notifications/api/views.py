"""/api/v1/notifications/: your bell, newest first; mark one or all read.

Only ever the caller's own notifications: another person's id is 404.
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from notifications.api.serializers import (
    MarkedReadSerializer,
    NotificationListQuerySerializer,
    NotificationSerializer,
)
from notifications.models import Notification
from notifications.selectors import get_notification_for_user, notifications_for_user
from notifications.services import notification_mark_read, notifications_mark_all_read
from troubleshoot.accounts.api.permissions import IsMember

TAGS = ["notifications"]


@extend_schema_view(
    list=extend_schema(
        tags=TAGS,
        parameters=[NotificationListQuerySerializer],
        responses=NotificationSerializer(many=True),
    ),
)
class NotificationViewSet(viewsets.GenericViewSet):
    queryset = Notification.objects.none()
    serializer_class = NotificationSerializer
    permission_classes = [IsMember]
    lookup_url_kwarg = "notification_id"
    lookup_value_regex = "[0-9]+"

    def list(self, request):
        query = NotificationListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        mine = notifications_for_user(request.user, unread_only=query.validated_data["unread"])
        page = self.paginate_queryset(mine)
        return self.get_paginated_response(NotificationSerializer(page, many=True).data)

    @extend_schema(tags=TAGS, request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, notification_id: int):
        notification = get_notification_for_user(request.user, notification_id)
        notification = notification_mark_read(user=request.user, notification_id=notification.pk)
        return Response(NotificationSerializer(notification).data)

    @extend_schema(tags=TAGS, request=None, responses=MarkedReadSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": notifications_mark_all_read(user=request.user)})
