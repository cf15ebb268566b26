from rest_framework import serializers

from notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    link = serializers.CharField(help_text="A path on this site, e.g. /sessions/12/pickup/.")
    read = serializers.BooleanField(source="is_read")

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "link", "created_at", "read_at", "read"]


class NotificationListQuerySerializer(serializers.Serializer):
    unread = serializers.BooleanField(default=False, help_text="Only unread ones.")


class MarkedReadSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many were unread.")
