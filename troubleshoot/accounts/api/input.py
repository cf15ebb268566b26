"""Reading a request's input the same way everywhere: a serializer for the shape, and
the page's own form for the rules, so a limit or a format is checked once."""

from rest_framework import serializers


def validated(serializer_class, request, *, partial_from: dict | None = None, **context) -> dict:
    """The request body through `serializer_class` (400 with every problem). With
    `partial_from`, fields the body leaves out keep those current values (PATCH)."""
    data = request.data
    if partial_from is not None:
        data = {**partial_from, **data}
    serializer = serializer_class(data=data, context=context)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def run_form(form_class, data: dict) -> dict:
    """The page's form over the API's input: its cleaned data, or its errors as a 400."""
    form = form_class(data={k: v for k, v in data.items() if v is not None})
    if not form.is_valid():
        errors = form.errors.get_json_data()
        raise serializers.ValidationError(
            {field: [e["message"] for e in messages] for field, messages in errors.items()}
        )
    return form.cleaned_data
