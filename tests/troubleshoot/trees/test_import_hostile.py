"""Tree imports of hostile JSON: a 400 with a sentence, never a 500, nothing written.

The JSON parser itself fails in ways that are not JSONDecodeError (RecursionError on
deep nesting, ValueError on numbers over 4,300 digits), and a parsed document can hold
any JSON type anywhere. The last test replaces every value of a valid export, one at a
time, with each hostile value and imports it for real.
"""

import copy
import html
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from troubleshoot.models import Tree
from troubleshoot.trees import services
from troubleshoot.trees.import_export import TreeImportError, parse_import

IMPORT = "troubleshoot:tree_import"


def valid_document() -> dict:
    return {
        "format": "baton-tree",
        "version": 1,
        "tree": {"title": "Printer offline", "category": "Printing", "tags": ["spooler"]},
        "start": "q",
        "nodes": [
            {
                "ref": "q",
                "kind": "question",
                "title": "Does it print a test page?",
                "body": "From the printer's own menu.",
                "options": [{"label": "Yes", "to": "s"}, {"label": "No", "to": "s"}],
            },
            {"ref": "s", "kind": "solution", "title": "Restart the spooler", "options": []},
        ],
    }


def with_change(path: list, value) -> dict:
    document = valid_document()
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return document


HOSTILE_FILES = {
    "[ x 100,000": ("[" * 100_000, "nested too deeply"),
    'deep {"a":': ('{"a":' * 100_000, "nested too deeply"),
    "a 5,000-digit number": (
        json.dumps(valid_document())[:-1] + ', "extra": ' + "9" * 5000 + "}",
        "a number longer than 20 digits",
    ),
    '"kind": []': (json.dumps(with_change(["nodes", 0, "kind"], [])), "has kind a list"),
    '"kind": {}': (json.dumps(with_change(["nodes", 0, "kind"], {})), "has kind a dict"),
    "a NUL in a title": (
        json.dumps(with_change(["nodes", 0, "title"], "Does it\u0000 print?")),
        "Node 1's title: Remove the NUL character",
    ),
    "a bidi override in the tree title": (
        json.dumps(with_change(["tree", "title"], "Printer \u202eenilffo")),
        "The tree title: Remove the invisible text-direction control characters",
    ),
    "a title of zero-width spaces": (
        json.dumps(with_change(["tree", "title"], "\u200b\u200b")),
        "The tree title: Write some visible text",
    ),
    "a NUL in a tag": (
        json.dumps(with_change(["tree", "tags"], ["ok", "bad\u0000"])),
        "Remove the NUL character",
    ),
}


@pytest.mark.parametrize("how", ["pasted", "uploaded"])
@pytest.mark.parametrize("name", list(HOSTILE_FILES))
def test_hostile_import_is_a_400_with_a_sentence(client_for, alice, name, how):
    raw, sentence = HOSTILE_FILES[name]
    if how == "pasted":
        data = {"text": raw}
    else:
        data = {"file": SimpleUploadedFile("tree.json", raw.encode(), "application/json")}
    response = client_for(alice).post(reverse(IMPORT), data)
    assert response.status_code == 400
    assert sentence in html.unescape(response.content.decode())
    assert not Tree.objects.exists()


def test_the_file_clear_checkbox_of_django_s_file_input_is_not_read(client_for, alice):
    """Django's default file widget hands clean() False when "file-clear" is posted."""
    response = client_for(alice).post(
        reverse(IMPORT), {"file-clear": "on", "text": json.dumps(valid_document())}
    )
    assert response.status_code == 302
    assert Tree.objects.get().title == "Printer offline"


HOSTILE_VALUES = {
    "list": [],
    "object": {},
    "null": None,
    "true": True,
    "float": 1.5,
    "big int": 10**19,
    "NUL": "a\u0000b",
    "bidi": "\u2067x\u2069",
    "invisible": "\u200b",
    "deep list": json.loads("[" * 400 + "]" * 400),
    "long": "x" * 20_000,
}


def value_paths(value, path=()):
    """Every position in a JSON document that holds a value."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield (*path, key)
            yield from value_paths(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield (*path, index)
            yield from value_paths(inner, (*path, index))


def test_any_value_anywhere_is_imported_or_refused_with_sentences(alice, db):
    """Each position of a valid export gets each hostile value; the import either works
    or raises the import's own errors. Anything else (TypeError, DataError) fails here."""
    paths = list(value_paths(valid_document()))
    assert len(paths) > 25
    outcomes = {"imported": 0, "refused": 0}
    for path in paths:
        for value in HOSTILE_VALUES.values():
            raw = json.dumps(with_change(list(path), copy.deepcopy(value)))
            try:
                parse_import(raw)
                services.tree_import(actor=alice, raw=raw)
            except (TreeImportError, services.TreeInvalid) as exc:
                assert exc.errors and all(isinstance(e, str) for e in exc.errors)
                outcomes["refused"] += 1
            else:
                outcomes["imported"] += 1
    # Both happen: e.g. a description may be left out (null), a title may not.
    assert outcomes["imported"] and outcomes["refused"]
