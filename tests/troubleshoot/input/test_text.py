"""User text: the rules every form and the tree import apply."""

import importlib
import pkgutil

import pytest
from django import forms

from troubleshoot.input.text import BIDI_CONTROLS, UserTextField, user_text_problems

BIDI = sorted(BIDI_CONTROLS)


@pytest.mark.parametrize("char", BIDI, ids=[f"U+{ord(c):04X}" for c in BIDI])
def test_every_bidi_override_embedding_and_isolate_is_refused(char):
    assert set(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])) == BIDI_CONTROLS
    field = UserTextField()
    with pytest.raises(forms.ValidationError) as caught:
        field.clean(f"invoice{char}fdp.exe")
    assert "text-direction" in caught.value.messages[0]


@pytest.mark.parametrize(
    "value",
    [
        "\u200b",  # zero-width space
        "\u200b\u200c\u200d\u2060\ufeff",  # zero-width (non-)joiners, word joiner, BOM
        "\u00ad\u00ad",  # soft hyphens
        "\u3164\u3164",  # Hangul filler: a letter that draws nothing
        "\u2800",  # braille blank
        "\u0301\u0301",  # combining accents on nothing
        "\u200e",  # a left-to-right mark alone
    ],
)
def test_text_of_only_invisible_characters_is_refused(value):
    with pytest.raises(forms.ValidationError) as caught:
        UserTextField().clean(value)
    assert caught.value.messages == ["Write some visible text: this has only invisible characters."]


@pytest.mark.parametrize(
    "value",
    [
        "Outlook is not syncing",
        "שלום עולם",  # right-to-left text needs no controls
        "مرحبا\u200f (RLM kept)",  # the directional marks stay allowed
        "🔥",
        "e\u0301t\u00e9",  # combining marks on letters
        "\u200bstarts invisibly but says something",
    ],
)
def test_ordinary_text_passes(value):
    assert UserTextField().clean(value) == value
    assert user_text_problems(value) == []


def test_nul_is_named_in_problems_and_refused_by_the_field():
    assert user_text_problems("a\x00b") == ["Remove the NUL character (\\0): it cannot be stored."]
    with pytest.raises(forms.ValidationError):
        UserTextField(required=False).clean("a\x00b")


def baton_form_classes() -> list[type[forms.BaseForm]]:
    """Every form class defined in Baton's apps (all their modules imported first)."""
    for app in ("troubleshoot", "handoffs", "notifications"):
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" not in module.name and ".management" not in module.name:
                importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return sorted(
        {
            cls
            for cls in subclasses(forms.BaseForm)
            if cls.__module__.split(".")[0] in ("troubleshoot", "handoffs", "notifications")
        },
        key=lambda cls: f"{cls.__module__}.{cls.__name__}",
    )


def test_every_text_field_of_every_form_is_a_user_text_field():
    """So no text field misses the NUL / bidi / invisible rules. Not text: passwords and
    secrets (a PasswordInput), email addresses (their validator refuses all three). Not
    checked: Django admin's forms, used by platform operators only."""
    checked, wrong = 0, []
    for form_class in baton_form_classes():
        if form_class.__module__.rsplit(".", 1)[-1] == "admin":
            continue
        for name, field in form_class.base_fields.items():
            if not isinstance(field, forms.CharField) or isinstance(field, forms.JSONField):
                continue  # JSON is structured data, parsed and checked as such
            if isinstance(field.widget, forms.PasswordInput) or isinstance(field, forms.EmailField):
                continue
            checked += 1
            if not isinstance(field, UserTextField):
                wrong.append(f"{form_class.__module__}.{form_class.__name__}.{name}")
    assert wrong == []
    assert checked >= 25  # the walk found the forms (sessions, trees, handoffs, accounts...)
