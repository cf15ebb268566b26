"""Every write to decision trees: create, edit the draft, publish, archive, import.

Views check the role (engineer+ edits, admin+ archives); each service re-reads its
rows scoped to the actor's account, so an id of another account is simply not found.
Editing always happens on the tree's single draft (number 0); publishing copies the
draft into a new frozen version.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch
from django.http import Http404
from django.utils import timezone

from troubleshoot.trees.import_export import parse_import
from troubleshoot.trees.models import (
    TREE_MAX_NODES,
    Node,
    NodeKind,
    Option,
    ProposalStatus,
    Tree,
    TreeVersion,
    VersionState,
)
from troubleshoot.trees.validation import graph_from_version, validate_graph

DEFAULT_ACTION_OUTCOMES = ["Done, that worked", "Didn't work"]


class TreeInvalid(Exception):
    """The draft (or an import) breaks the publishing rules; `errors` lists them."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def _tree_for(actor, tree_id: int, *, lock: bool = False) -> Tree:
    qs = Tree.objects.filter(account_id=actor.account_id, archived_at__isnull=True)
    if lock:
        qs = qs.select_for_update()
    try:
        return qs.get(pk=tree_id)
    except Tree.DoesNotExist:
        raise Http404("No such tree in your account.") from None


def _draft(tree: Tree) -> TreeVersion:
    draft, _ = TreeVersion.objects.get_or_create(
        tree=tree, number=0, defaults={"state": VersionState.DRAFT, "title": tree.title}
    )
    return draft


def _draft_node(actor, node_id: int) -> Node:
    """A node of a draft of the actor's account, or 404 (published nodes never change)."""
    try:
        return Node.objects.select_related("version__tree").get(
            pk=node_id,
            version__state=VersionState.DRAFT,
            version__tree__account_id=actor.account_id,
            version__tree__archived_at__isnull=True,
        )
    except Node.DoesNotExist:
        raise Http404("No such node in a tree you can edit.") from None


def _touch(tree: Tree) -> None:
    Tree.objects.filter(pk=tree.pk).update(updated_at=timezone.now())


def _target_in_version(version: TreeVersion, target_id: int | None) -> Node | None:
    if target_id in (None, ""):
        return None
    target = Node.objects.filter(pk=target_id, version=version).first()
    if target is None:
        raise ValidationError({"target": "That node is not part of this tree."})
    return target


@transaction.atomic(durable=True)
def tree_create(*, actor, title: str, category: str, description: str = "", tags: str = "") -> Tree:
    tree = Tree.objects.create(
        account_id=actor.account_id,
        author=actor,
        title=title,
        category=category,
        description=description,
        tags=tags,
    )
    TreeVersion.objects.create(tree=tree, number=0, state=VersionState.DRAFT, title=title)
    return tree


@transaction.atomic(durable=True)
def tree_update(
    *, actor, tree_id: int, title: str, category: str, description: str, tags: str
) -> Tree:
    tree = _tree_for(actor, tree_id, lock=True)
    tree.title, tree.category, tree.description, tree.tags = title, category, description, tags
    tree.updated_at = timezone.now()
    tree.save()
    return tree


@transaction.atomic(durable=True)
def node_create(*, actor, tree_id: int, kind: str, title: str, body: str = "") -> Node:
    tree = _tree_for(actor, tree_id, lock=True)
    draft = _draft(tree)
    existing = draft.nodes.count()
    if existing >= TREE_MAX_NODES:
        raise ValidationError(f"A tree may have at most {TREE_MAX_NODES} nodes.")
    used = set(draft.nodes.values_list("ref", flat=True))
    n = existing + 1
    while f"n{n}" in used:
        n += 1
    node = Node.objects.create(
        version=draft, kind=kind, title=title, body=body, position=existing, ref=f"n{n}"
    )
    if kind == NodeKind.ACTION:
        Option.objects.bulk_create(
            Option(node=node, label=label, position=i)
            for i, label in enumerate(DEFAULT_ACTION_OUTCOMES)
        )
    if draft.start_node_id is None:
        draft.start_node = node
        draft.save(update_fields=["start_node"])
    _touch(tree)
    return node


@transaction.atomic(durable=True)
def node_update(*, actor, node_id: int, kind: str, title: str, body: str) -> Node:
    node = _draft_node(actor, node_id)
    node.kind, node.title, node.body = kind, title, body
    node.save(update_fields=["kind", "title", "body"])
    _touch(node.version.tree)
    return node


@transaction.atomic(durable=True)
def node_delete(*, actor, node_id: int) -> None:
    """Options that led to the node keep their label and lose their target."""
    node = _draft_node(actor, node_id)
    tree = node.version.tree
    node.delete()
    _touch(tree)


@transaction.atomic(durable=True)
def tree_set_start(*, actor, tree_id: int, node_id: int) -> TreeVersion:
    tree = _tree_for(actor, tree_id, lock=True)
    draft = _draft(tree)
    node = _target_in_version(draft, node_id)
    draft.start_node = node
    draft.save(update_fields=["start_node"])
    _touch(tree)
    return draft


@transaction.atomic(durable=True)
def option_create(*, actor, node_id: int, label: str, target_id: int | None = None) -> Option:
    node = _draft_node(actor, node_id)
    target = _target_in_version(node.version, target_id)
    position = (node.options.aggregate(m=Max("position"))["m"] or 0) + 1
    option = Option.objects.create(node=node, label=label, target=target, position=position)
    _touch(node.version.tree)
    return option


def _draft_option(actor, option_id: int) -> Option:
    try:
        return Option.objects.select_related("node__version__tree").get(
            pk=option_id,
            node__version__state=VersionState.DRAFT,
            node__version__tree__account_id=actor.account_id,
            node__version__tree__archived_at__isnull=True,
        )
    except Option.DoesNotExist:
        raise Http404("No such option in a tree you can edit.") from None


@transaction.atomic(durable=True)
def option_update(*, actor, option_id: int, label: str, target_id: int | None) -> Option:
    option = _draft_option(actor, option_id)
    option.target = _target_in_version(option.node.version, target_id)
    option.label = label
    option.save(update_fields=["label", "target"])
    _touch(option.node.version.tree)
    return option


@transaction.atomic(durable=True)
def option_delete(*, actor, option_id: int) -> None:
    option = _draft_option(actor, option_id)
    option.delete()


@transaction.atomic(durable=True)
def option_move(*, actor, option_id: int, direction: str) -> None:
    """Swap the option with its neighbour ("up" or "down"); positions are renumbered."""
    option = _draft_option(actor, option_id)
    siblings = list(option.node.options.order_by("position", "id"))
    i = siblings.index(option)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(siblings):
        siblings[i], siblings[j] = siblings[j], siblings[i]
    for position, sibling in enumerate(siblings):
        sibling.position = position
    Option.objects.bulk_update(siblings, ["position"])


def _nodes_prefetch():
    return Prefetch("nodes", queryset=Node.objects.prefetch_related("options"))


def _index_text(tree: Tree, version: TreeVersion) -> str:
    parts = [tree.title, tree.description, tree.tags]
    for node in version.nodes.all():
        parts += [node.title, node.body, *(o.label for o in node.options.all())]
    return "\n".join(p for p in parts if p)


@transaction.atomic(durable=True)
def tree_publish(*, actor, tree_id: int) -> TreeVersion:
    """Validate the draft and freeze a copy of it as the next version.

    Raises TreeInvalid (listing every problem) and leaves everything unchanged then.
    """
    tree = _tree_for(actor, tree_id, lock=True)
    draft = TreeVersion.objects.prefetch_related(_nodes_prefetch()).get(pk=_draft(tree).pk)
    graph, start_ref = graph_from_version(draft)
    errors = validate_graph(graph, start_ref)
    waiting = tree.proposals.filter(status=ProposalStatus.PENDING).count()
    if waiting:
        errors.append(
            f"{waiting} proposal{'s' if waiting > 1 else ''} from an escalation "
            f"{'wait' if waiting > 1 else 'waits'} for review: accept or discard "
            f"{'them' if waiting > 1 else 'it'} first."
        )
    if errors:
        raise TreeInvalid(errors)
    number = (tree.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    version = _copy_version(tree, draft, number=number, actor=actor)
    tree.latest_published = version
    tree.search_text = _index_text(tree, draft)
    # Equal to published_at: "unpublished changes" means edited after this moment.
    tree.updated_at = version.published_at
    tree.save(update_fields=["latest_published", "search_text", "updated_at"])
    return version


def _copy_version(tree: Tree, source: TreeVersion, *, number: int, actor) -> TreeVersion:
    version = TreeVersion.objects.create(
        tree=tree,
        number=number,
        state=VersionState.PUBLISHED,
        title=tree.title,
        published_at=timezone.now(),
        published_by=actor,
    )
    old_nodes = list(source.nodes.all())
    new_nodes = Node.objects.bulk_create(
        Node(
            version=version, kind=n.kind, title=n.title, body=n.body, position=n.position, ref=n.ref
        )
        for n in old_nodes
    )
    mapping = {old.pk: new for old, new in zip(old_nodes, new_nodes, strict=True)}
    Option.objects.bulk_create(
        Option(
            node=mapping[n.pk], label=o.label, target=mapping.get(o.target_id), position=o.position
        )
        for n in old_nodes
        for o in n.options.all()
    )
    version.start_node = mapping.get(source.start_node_id)
    version.save(update_fields=["start_node"])
    return version


@transaction.atomic(durable=True)
def tree_archive(*, actor, tree_id: int) -> Tree:
    """Soft delete: out of the library; sessions keep the versions they walked."""
    tree = _tree_for(actor, tree_id, lock=True)
    tree.archived_at = timezone.now()
    tree.save(update_fields=["archived_at"])
    return tree


@transaction.atomic(durable=True)
def tree_import(*, actor, raw: str | bytes) -> Tree:
    """Create a tree from exported JSON and publish it as version 1.

    Raises TreeImportError (bad JSON or shape) or TreeInvalid (breaks the publishing
    rules); nothing is created then.
    """
    parsed = parse_import(raw)
    errors = validate_graph(parsed["graph"], parsed["start"])
    if errors:
        raise TreeInvalid(errors)
    meta = parsed["tree"]
    tree = Tree.objects.create(
        account_id=actor.account_id,
        author=actor,
        title=meta["title"],
        category=meta["category"],
        description=meta["description"],
        tags=meta["tags"],
    )
    draft = TreeVersion.objects.create(
        tree=tree, number=0, state=VersionState.DRAFT, title=tree.title
    )
    created = Node.objects.bulk_create(
        Node(
            version=draft,
            kind=n["kind"],
            title=n["title"],
            body=n["body"],
            position=i,
            ref=n["ref"],
        )
        for i, n in enumerate(parsed["nodes"])
    )
    by_ref = {node.ref: node for node in created}
    Option.objects.bulk_create(
        Option(node=by_ref[n["ref"]], label=label, target=by_ref[to], position=i)
        for n in parsed["nodes"]
        for i, (label, to) in enumerate(n["options"])
    )
    draft.start_node = by_ref[parsed["start"]]
    draft.save(update_fields=["start_node"])
    draft = TreeVersion.objects.prefetch_related(_nodes_prefetch()).get(pk=draft.pk)
    version = _copy_version(tree, draft, number=1, actor=actor)
    tree.latest_published = version
    tree.search_text = _index_text(tree, draft)
    tree.save(update_fields=["latest_published", "search_text"])
    return tree
