"""Shapes of people in API answers; other domains embed PersonSerializer."""

from rest_framework import serializers

from troubleshoot.accounts.models import User


class PersonSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name")

    class Meta:
        model = User
        fields = ["id", "name"]


class MeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name")
    account = serializers.SerializerMethodField()
    team = serializers.SerializerMethodField()
    token = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "name", "email", "role", "account", "team", "token"]

    def get_account(self, user) -> dict:
        return {"id": user.account_id, "name": user.account.name}

    def get_team(self, user) -> dict | None:
        return {"id": user.team_id, "name": user.team.name} if user.team_id else None

    def get_token(self, user) -> dict | None:
        """The token this request came with (None for the browser's session)."""
        token = self.context.get("token")
        if token is None:
            return None
        return {"id": token.pk, "name": token.name, "expires_at": token.expires_at}
