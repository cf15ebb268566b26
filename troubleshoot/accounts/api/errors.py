"""One error format for the API: `{"detail": "<a sentence>"}` (plus fields when useful),
with the status that fits: 400 bad input, 401 no or bad token, 403 role, 404 not in
your account, 409 the state moved on, 429 rate limit.

Domains register their own error types here (register_error) from their api modules,
so this module, at the bottom, imports none of them.
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

# exception class -> fn(exc) -> (status, body)
ToResponse = Callable[[Exception], tuple[int, dict]]
_DOMAIN_ERRORS: dict[type[Exception], ToResponse] = {}


def register_error(exc_class: type[Exception], to_response: ToResponse) -> None:
    _DOMAIN_ERRORS[exc_class] = to_response


def validation_error_body(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        fields = exc.message_dict
        first = next(iter(fields.values()), [""])
        detail = first[0] if first else "The request is not valid."
        return {"detail": detail, "errors": fields}
    return {"detail": " ".join(exc.messages)}


def api_exception_handler(exc, context):
    for exc_class in type(exc).__mro__:
        if exc_class in _DOMAIN_ERRORS:
            code, body = _DOMAIN_ERRORS[exc_class](exc)
            return Response(body, status=code)
    if isinstance(exc, DjangoValidationError):
        return Response(validation_error_body(exc), status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    if isinstance(exc, serializers.ValidationError) and response is not None:
        response.data = _serializer_errors_body(response.data)
    return response


def _first_message(errors) -> str:
    if isinstance(errors, dict):
        for field, value in errors.items():
            message = _first_message(value)
            if message:
                return message if field == "non_field_errors" else f"{field}: {message}"
        return ""
    if isinstance(errors, list):
        return next((m for m in (_first_message(e) for e in errors) if m), "")
    return str(errors)


def _serializer_errors_body(errors) -> dict:
    """DRF's {"field": ["message"]} as {"detail": "field: message", "errors": {...}}."""
    body = {"detail": _first_message(errors) or "The request is not valid."}
    if isinstance(errors, dict):
        body["errors"] = errors
    return body
