"""SafeJSONField: hostile JSON is a form error, also when the form is shown again."""

import pytest
from django import forms

from troubleshoot.input.json import SafeJSONField


class CredentialForm(forms.Form):
    credential = SafeJSONField()


@pytest.mark.parametrize(
    "value",
    ["9" * 5000, "[" * 100_000, '{"a":' * 20_000, "not json"],
    ids=["digits", "brackets", "nesting", "text"],
)
def test_hostile_json_is_a_form_error_and_the_form_still_renders(value):
    form = CredentialForm({"credential": value})
    assert not form.is_valid()
    assert "credential" in form.errors
    assert "<textarea" in str(form["credential"])


def test_valid_json_passes():
    form = CredentialForm({"credential": '{"id": 1}'})
    assert form.is_valid() and form.cleaned_data["credential"] == {"id": 1}
