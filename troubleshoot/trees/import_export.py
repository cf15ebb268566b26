"""Tree JSON: the format teams share trees in (export and import).

{"format": "baton-tree", "version": 1,
 "tree": {"title", "category", "description", "tags": [...]},
 "start": "<ref>",
 "nodes": [{"ref", "kind", "title", "body", "options": [{"label", "to": "<ref>"}]}]}
"""

import json

from troubleshoot.input.text import user_text_problems
from troubleshoot.trees.models import (
    NODE_BODY_MAX,
    NODE_TITLE_MAX,
    OPTION_LABEL_MAX,
    TREE_MAX_NODES,
    TREE_TITLE_MAX,
    NodeKind,
)
from troubleshoot.trees.validation import FOREIGN, GraphNode

FORMAT = "baton-tree"
IMPORT_MAX_BYTES = 512 * 1024
# A tree file nests five deep and holds no number a tree uses; json.loads would parse
# up to 4,300 digits before refusing with a ValueError of its own.
NUMBER_MAX_DIGITS = 20


class TreeImportError(ValueError):
    """The JSON cannot become a tree; `errors` holds one sentence per problem."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def export_version(version) -> dict:
    """A version (nodes with options prefetched) as the shareable JSON document."""
    tree = version.tree
    nodes = list(version.nodes.all())
    ref_by_id = {n.pk: n.ref for n in nodes}
    return {
        "format": FORMAT,
        "version": 1,
        "tree": {
            "title": version.title or tree.title,
            "category": tree.category,
            "description": tree.description,
            "tags": tree.tag_list,
        },
        "start": ref_by_id.get(version.start_node_id),
        "nodes": [
            {
                "ref": n.ref,
                "kind": n.kind,
                "title": n.title,
                "body": n.body,
                "options": [
                    {"label": o.label, "to": ref_by_id.get(o.target_id)} for o in n.options.all()
                ],
            }
            for n in nodes
        ],
    }


def _text(value, what: str, limit: int, errors: list[str], *, required: bool = True) -> str:
    """The same rules as the forms' text fields (troubleshoot/input/text.py)."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.append(f"{what} must be text.")
        return ""
    value = value.strip()
    if required and not value:
        errors.append(f"{what} is missing.")
    if len(value) > limit:
        errors.append(f"{what} is longer than {limit} characters.")
    errors += [f"{what}: {problem}" for problem in user_text_problems(value)]
    return value[:limit]


class _NumberTooLong(ValueError):
    pass


def _parse_int(digits: str) -> int:
    if len(digits.lstrip("-")) > NUMBER_MAX_DIGITS:
        raise _NumberTooLong(digits)
    return int(digits)


def _load_json(raw: str):
    """json.loads, with every way it can fail as a TreeImportError."""
    try:
        return json.loads(raw, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        raise TreeImportError(
            [f"This is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."]
        ) from None
    except _NumberTooLong:
        raise TreeImportError(
            [f"The JSON holds a number longer than {NUMBER_MAX_DIGITS} digits."]
        ) from None
    except RecursionError:
        # json's parser recurses once per nested [ or {: a file of 100,000 "[" gets here.
        raise TreeImportError(["The JSON is nested too deeply to be a tree export."]) from None


def parse_import(raw: str | bytes) -> dict:
    """Parse and shape-check an import; raises TreeImportError with every problem.

    Returns {"tree": {...}, "start": ref, "nodes": [{"ref", "kind", "title", "body",
    "options": [(label, to_ref)]}], "graph": [GraphNode]} for the graph validation.
    """
    if isinstance(raw, bytes):
        if len(raw) > IMPORT_MAX_BYTES:
            raise TreeImportError([f"The file is larger than {IMPORT_MAX_BYTES // 1024} KB."])
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise TreeImportError(["The file is not UTF-8 text."]) from None
    if len(raw) > IMPORT_MAX_BYTES:
        raise TreeImportError([f"The JSON is larger than {IMPORT_MAX_BYTES // 1024} KB."])
    data = _load_json(raw)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise TreeImportError([f'This is not a Baton tree export (expected "format": "{FORMAT}").'])

    errors: list[str] = []
    meta = data.get("tree") if isinstance(data.get("tree"), dict) else {}
    if not meta:
        errors.append('The "tree" section (title, category) is missing.')
    tags = meta.get("tags", [])
    if isinstance(tags, str):
        tags = [tags]
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        errors.append("Tags must be a list of words.")
        tags = []
    for tag in tags:
        errors += [f"The tag “{tag[:40]}”: {problem}" for problem in user_text_problems(tag)]
    tree = {
        "title": _text(meta.get("title"), "The tree title", TREE_TITLE_MAX, errors),
        "category": _text(meta.get("category"), "The category", 60, errors),
        "description": _text(
            meta.get("description"), "The description", 2000, errors, required=False
        ),
        "tags": ", ".join(t.strip() for t in tags if t.strip())[:300],
    }

    raw_nodes = data.get("nodes")
    if not isinstance(raw_nodes, list):
        raise TreeImportError([*errors, 'The "nodes" list is missing.'])
    if len(raw_nodes) > TREE_MAX_NODES:
        raise TreeImportError([*errors, f"A tree may have at most {TREE_MAX_NODES} nodes."])

    nodes: list[dict] = []
    seen: set[str] = set()
    kinds = set(NodeKind.values)
    for index, item in enumerate(raw_nodes, start=1):
        if not isinstance(item, dict):
            errors.append(f"Node {index} is not an object.")
            continue
        ref = _text(item.get("ref"), f"Node {index}'s ref", 40, errors)
        if ref in seen:
            errors.append(f"Two nodes share the ref “{ref}”.")
        seen.add(ref)
        kind = item.get("kind")
        if not isinstance(kind, str) or kind not in kinds:
            # Never repr() what the file holds: it may be a list nested 900 deep.
            shown = f"“{kind[:40]}”" if isinstance(kind, str) else f"a {type(kind).__name__}"
            errors.append(f"Node {index} has kind {shown}; use question, action or solution.")
        options = []
        raw_options = item.get("options") or []
        if not isinstance(raw_options, list):
            errors.append(f"Node {index}'s options must be a list.")
            raw_options = []
        for o_index, opt in enumerate(raw_options, start=1):
            if not isinstance(opt, dict):
                errors.append(f"Option {o_index} of node {index} is not an object.")
                continue
            label = _text(
                opt.get("label"), f"Option {o_index} of node {index}", OPTION_LABEL_MAX, errors
            )
            target = opt.get("to")
            options.append((label, target if isinstance(target, str) and target else None))
        nodes.append(
            {
                "ref": ref,
                "kind": kind,
                "title": _text(item.get("title"), f"Node {index}'s title", NODE_TITLE_MAX, errors),
                "body": _text(
                    item.get("body"), f"Node {index}'s body", NODE_BODY_MAX, errors, required=False
                ),
                "options": options,
            }
        )
    if errors:
        raise TreeImportError(errors)

    graph = [
        GraphNode(
            ref=n["ref"],
            kind=n["kind"],
            title=n["title"],
            options=[
                (label, (to if to in seen else FOREIGN) if to else None)
                for label, to in n["options"]
            ],
        )
        for n in nodes
    ]
    start = data.get("start") if isinstance(data.get("start"), str) else None
    return {"tree": tree, "start": start, "nodes": nodes, "graph": graph}
