"""One error format for the API: `{"detail": "<a sentence>"}` (plus fields when useful),
with the status that fits: 400 bad input, 401 no or bad token, 403 role, 404 not in
your account, 409 the state moved on, 429 rate limit.

Domains register their own error types here (register_error) from their api modules,
so this module, at the bottom, imports none of them.
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
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
    return drf_exception_handler(exc, context)
