"""/api/v1/webhooks/: admins register URLs Baton calls, signed, on events.

Same rules as the integrations page: admins and owners only, the same URL rules;
another account's webhook is 404. Each call is a row of the delivery ledger.
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from notifications import services
from notifications.api.serializers import (
    PingSerializer,
    WebhookInputSerializer,
    WebhookSerializer,
    WebhookWithSecretSerializer,
)
from notifications.models import Webhook
from notifications.selectors import get_webhook_for_account, webhooks_for_account
from troubleshoot.accounts.api.permissions import IsAdmin

TAGS = ["webhooks"]
EVENTS_HELP = (
    "Events: handoff.created (an escalation), handoff.claimed, handoff.resolved, "
    "session.resolved. Each call is a POST of {id, event, occurred_at, data} with "
    "Baton-Event, Baton-Delivery and Baton-Signature (t=<unix>,v1=<hex HMAC-SHA256 of "
    '"<t>.<body>" with the secret>) headers.'
)


def _input(request, *, partial: bool) -> dict:
    serializer = WebhookInputSerializer(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


@extend_schema_view(
    list=extend_schema(tags=TAGS, responses=WebhookSerializer(many=True), description=EVENTS_HELP),
    retrieve=extend_schema(tags=TAGS, responses=WebhookSerializer),
    create=extend_schema(
        tags=TAGS,
        request=WebhookInputSerializer,
        responses={201: WebhookWithSecretSerializer},
        description=EVENTS_HELP,
    ),
    partial_update=extend_schema(
        tags=TAGS, request=WebhookInputSerializer, responses=WebhookSerializer
    ),
    destroy=extend_schema(tags=TAGS, responses={204: None}),
)
class WebhookViewSet(viewsets.GenericViewSet):
    queryset = Webhook.objects.none()
    serializer_class = WebhookSerializer
    permission_classes = [IsAdmin]
    lookup_url_kwarg = "webhook_id"
    lookup_value_regex = "[0-9]+"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def list(self, request):
        page = self.paginate_queryset(webhooks_for_account(request.user.account_id))
        return self.get_paginated_response(WebhookSerializer(page, many=True).data)

    def retrieve(self, request, webhook_id: int):
        webhook = get_webhook_for_account(request.user.account_id, webhook_id)
        return Response(WebhookSerializer(webhook).data)

    def create(self, request):
        data = _input(request, partial=False)
        data.pop("enabled", None)
        webhook = services.webhook_create(actor=request.user, **data)
        return Response(WebhookWithSecretSerializer(webhook).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, webhook_id: int):
        webhook = get_webhook_for_account(request.user.account_id, webhook_id)
        data = _input(request, partial=True)
        webhook = services.webhook_update(actor=request.user, webhook_id=webhook.pk, **data)
        return Response(WebhookSerializer(webhook).data)

    def destroy(self, request, webhook_id: int):
        webhook = get_webhook_for_account(request.user.account_id, webhook_id)
        services.webhook_delete(actor=request.user, webhook_id=webhook.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(tags=TAGS, request=None, responses={202: PingSerializer})
    @action(detail=True, methods=["post"])
    def ping(self, request, webhook_id: int):
        """Call the URL with a `ping` event now (through the ledger: see its row)."""
        webhook = get_webhook_for_account(request.user.account_id, webhook_id)
        delivery = services.webhook_ping(actor=request.user, webhook_id=webhook.pk)
        return Response({"delivery_id": delivery.pk}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(tags=TAGS, request=None, responses=WebhookWithSecretSerializer)
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, webhook_id: int):
        """A new signing secret, shown once; calls from now on are signed with it."""
        webhook = get_webhook_for_account(request.user.account_id, webhook_id)
        webhook = services.webhook_rotate_secret(actor=request.user, webhook_id=webhook.pk)
        return Response(WebhookWithSecretSerializer(webhook).data)
