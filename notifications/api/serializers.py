from rest_framework import serializers

from notifications.models import Notification, Webhook, WebhookEvent


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


class WebhookSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(choices=WebhookEvent.choices))
    secret_hint = serializers.SerializerMethodField(
        help_text="The signing secret's last characters (the whole secret is shown only "
        "when created or rotated)."
    )

    class Meta:
        model = Webhook
        fields = [
            "id",
            "description",
            "url",
            "events",
            "enabled",
            "disabled_reason",
            "disabled_at",
            "secret_hint",
            "created_at",
            "updated_at",
        ]

    def get_secret_hint(self, webhook) -> str:
        return "••••" + webhook.secret[-4:]


class WebhookWithSecretSerializer(WebhookSerializer):
    secret = serializers.CharField(
        help_text="Shown now only: verify each call's Baton-Signature with it."
    )

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]


class WebhookInputSerializer(serializers.Serializer):
    url = serializers.CharField(
        max_length=500, help_text="https:// (http only outside production)."
    )
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices), allow_empty=False
    )
    description = serializers.CharField(max_length=120, required=False, allow_blank=True)
    enabled = serializers.BooleanField(required=False)


class PingSerializer(serializers.Serializer):
    delivery_id = serializers.IntegerField(help_text="The ledger row of the ping.")
