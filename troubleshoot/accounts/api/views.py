"""GET /api/v1/me/: who the token (or the session) is."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from troubleshoot.accounts.api.permissions import IsMember
from troubleshoot.accounts.api.serializers import MeSerializer
from troubleshoot.accounts.models import ApiToken


class MeView(APIView):
    permission_classes = [IsMember]

    @extend_schema(operation_id="me", responses=MeSerializer, tags=["me"])
    def get(self, request):
        token = request.auth if isinstance(request.auth, ApiToken) else None
        return Response(MeSerializer(request.user, context={"token": token}).data)
