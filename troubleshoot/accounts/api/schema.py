"""The OpenAPI schema's per-operation role: `x-baton-role` (viewer, engineer, admin)
and a line in the description, both read from the view's permissions, so the schema
cannot drift from what the code enforces. The contract test walks it."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

from troubleshoot.accounts.api.permissions import role_of


class BatonAutoSchema(AutoSchema):
    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        role = role_of(self.view.get_permissions())
        if role:
            operation["x-baton-role"] = role
            needs = f"Role: {role} or above." if role != "admin" else "Role: admin or owner."
            described = operation.get("description", "")
            operation["description"] = f"{described}\n\n{needs}".strip()
        return operation


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """Names the token scheme in the schema (Swagger UI's "Authorize" button)."""

    target_class = "troubleshoot.accounts.api.authentication.BearerTokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token (baton_…) from your profile page.",
        }
