"""REST API settings (Django REST framework, drf-spectacular), imported by base.py."""

from config.settings.env import env

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Scripts: a personal access token. The browser: its login cookie, with CSRF.
        "troubleshoot.accounts.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["troubleshoot.accounts.api.permissions.IsMember"],
    "DEFAULT_THROTTLE_CLASSES": ["troubleshoot.accounts.api.throttles.TokenRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "troubleshoot.accounts.api.pagination.ApiPagination",
    "DEFAULT_SCHEMA_CLASS": "troubleshoot.accounts.api.schema.BatonAutoSchema",
    "EXCEPTION_HANDLER": "troubleshoot.accounts.api.errors.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["troubleshoot.accounts.api.parsers.SafeJSONParser"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Requests per token (per person for the browser) and period: 429 with Retry-After past it.
BATON_API_RATE = env("BATON_API_RATE", "120/min")
BATON_API_THROTTLE_CACHE = "default"
SPECTACULAR_SETTINGS = {
    "TITLE": "Baton API",
    "DESCRIPTION": (
        "Troubleshooting sessions, decision trees, handoffs and notifications of your "
        "account. Authenticate with a personal access token (`Authorization: Bearer "
        "baton_…`, created on your profile page) or, in the browser, your login. "
        "Another account's ids answer 404; a role that may not do something gets 403."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "SessionStatusEnum": "troubleshoot.sessions.models.SessionStatus",
        "SessionKindEnum": "troubleshoot.sessions.models.SessionKind",
        "StepKindEnum": "troubleshoot.sessions.models.StepKind",
        "NodeKindEnum": "troubleshoot.trees.models.NodeKind",
        "HandoffStatusEnum": "handoffs.models.HandoffStatus",
        "HandoffEventKindEnum": "handoffs.models.EventKind",
    },
}
