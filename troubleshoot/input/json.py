"""A form field for JSON that hostile input cannot turn into a 500.

Django's forms.JSONField catches only JSONDecodeError: deep nesting raises
RecursionError and a number over 4,300 digits a plain ValueError, and both escaped as
500s (allauth's security-key forms use it for the browser's credential).
"""

from django import forms
from django.forms.fields import InvalidJSONInput


class SafeJSONField(forms.JSONField):
    def to_python(self, value):
        try:
            return super().to_python(value)
        except (RecursionError, ValueError, TypeError):
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": "…"}
            ) from None

    def bound_data(self, data, initial):
        # Re-showing the form parses the posted text again: the same hostile values.
        try:
            return super().bound_data(data, initial)
        except (RecursionError, ValueError, TypeError):
            return InvalidJSONInput(data)
