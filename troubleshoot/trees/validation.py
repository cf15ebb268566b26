"""The rules a tree must meet before it is published or imported.

Pure functions over a small graph description, so publishing (from rows) and
importing (from JSON) check exactly the same things and say the same sentences.
"""

from dataclasses import dataclass, field

from troubleshoot.trees.models import NodeKind

# An option target that names a node of another tree (or a node that does not exist).
FOREIGN = object()


@dataclass
class GraphNode:
    ref: str
    kind: str
    title: str
    # (label, target ref | None | FOREIGN)
    options: list[tuple[str, object]] = field(default_factory=list)


def _names(nodes: list[GraphNode]) -> str:
    return ", ".join(f"“{n.title}”" for n in nodes)


def validate_graph(nodes: list[GraphNode], start_ref: str | None) -> list[str]:
    """Every problem with the tree, one sentence each naming the offending nodes."""
    if not nodes:
        return ["Add at least one node: the tree is empty."]
    by_ref = {n.ref: n for n in nodes}
    errors: list[str] = []
    if not start_ref or start_ref not in by_ref:
        errors.append("Choose a start node: the walk has to begin somewhere.")

    foreign = [n for n in nodes if any(t is FOREIGN for _, t in n.options)]
    if foreign:
        errors.append(f"Options point at a node outside this tree: {_names(foreign)}.")
    dangling = [n for n in nodes if any(t is None for _, t in n.options)]
    if dangling:
        errors.append(f"Options lead nowhere (pick where each one goes): {_names(dangling)}.")

    questions_without = [n for n in nodes if n.kind == NodeKind.QUESTION and not n.options]
    if questions_without:
        errors.append(f"Questions need at least one answer: {_names(questions_without)}.")
    actions_without = [n for n in nodes if n.kind == NodeKind.ACTION and not n.options]
    if actions_without:
        errors.append(f"Actions need an outcome that leads on: {_names(actions_without)}.")
    solutions_with = [n for n in nodes if n.kind == NodeKind.SOLUTION and n.options]
    if solutions_with:
        errors.append(f"Solutions end the walk and cannot have options: {_names(solutions_with)}.")
    if not any(n.kind == NodeKind.SOLUTION for n in nodes):
        errors.append("Add at least one solution node: a walk must be able to end in a fix.")

    if start_ref in by_ref:
        reached = {start_ref}
        frontier = [start_ref]
        while frontier:
            for _, target in by_ref[frontier.pop()].options:
                if isinstance(target, str) and target in by_ref and target not in reached:
                    reached.add(target)
                    frontier.append(target)
        unreachable = [n for n in nodes if n.ref not in reached]
        if unreachable:
            errors.append(f"Unreachable from the start node: {_names(unreachable)}.")
    return errors


def graph_from_version(version) -> tuple[list[GraphNode], str | None]:
    """Describe a stored version (nodes with options prefetched) as a graph."""
    nodes = list(version.nodes.all())
    ref_by_id = {n.pk: n.ref for n in nodes}
    graph = [
        GraphNode(
            ref=n.ref,
            kind=n.kind,
            title=n.title,
            options=[
                (
                    o.label,
                    None if o.target_id is None else ref_by_id.get(o.target_id, FOREIGN),
                )
                for o in n.options.all()
            ],
        )
        for n in nodes
    ]
    return graph, ref_by_id.get(version.start_node_id)
