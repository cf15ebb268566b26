"""The tree map: layout, marks (unreachable, dead ends, hot), a 60-step tree that fits
a 1366-px screen, the SVG on the tree page and in the editor, and its text version."""

import re

import pytest

from tests.conftest import login
from tests.factories_sessions import make_tree
from troubleshoot.trees import services as tree_services
from troubleshoot.trees.models import NodeKind
from troubleshoot.trees.selectors import draft_with_nodes, version_with_nodes
from troubleshoot.trees.treemap import BOX_W, build_tree_map


def _tree_of(sam, steps: int):
    """A binary-ish tree of `steps` steps: questions whose answers lead on, solutions
    at the leaves. Returns the Tree (draft only)."""
    tree = tree_services.tree_create(actor=sam, title=f"Big {steps}", category="Big")
    nodes = []
    for i in range(steps):
        kind = NodeKind.QUESTION if i < steps // 2 else NodeKind.SOLUTION
        nodes.append(
            tree_services.node_create(
                actor=sam, tree_id=tree.pk, kind=kind, title=f"Step number {i} of the walk"
            )
        )
    for i in range(steps // 2):
        for child in (2 * i + 1, 2 * i + 2):
            if child < steps:
                tree_services.option_create(
                    actor=sam, node_id=nodes[i].pk, label=f"To {child}", target_id=nodes[child].pk
                )
    return tree, nodes


def test_layers_follow_the_distance_from_the_start(acme, sam):
    version = version_with_nodes(make_tree(acme, sam).pk)
    tree_map = build_tree_map(version)
    by_title = {b.node.title: b for b in tree_map.boxes}
    assert by_title["Does the device power on?"].layer == 0
    assert by_title["Does the device power on?"].is_start
    assert by_title["Restart the service"].layer == 1
    assert by_title["Replace the power supply"].layer == 1
    assert by_title["Service restarted: fixed"].layer == 2
    assert not tree_map.unreachable and not tree_map.dead_ends
    assert len(tree_map.edges) == 4


def test_unreachable_steps_and_dead_ends_are_marked(acme, sam):
    version = make_tree(acme, sam, published=False)
    tree = version.tree
    orphan = tree_services.node_create(
        actor=sam, tree_id=tree.pk, kind=NodeKind.QUESTION, title="Nobody gets here"
    )
    tree_map = build_tree_map(draft_with_nodes(tree))
    marked = {b.node.pk: b for b in tree_map.boxes}
    assert not marked[orphan.pk].reachable
    assert marked[orphan.pk].dead_end  # a question without answers
    assert "unreachable" in marked[orphan.pk].flags and "dead end" in marked[orphan.pk].flags
    assert tree_map.has_unplaced_row
    assert marked[orphan.pk].y > max(b.y for b in tree_map.boxes if b.reachable)


def test_hot_steps_are_the_most_escalated(acme, sam):
    version = version_with_nodes(make_tree(acme, sam).pk)
    refs = {n.title: n.ref for n in version.nodes.all()}
    heat = {refs["Does the device power on?"]: 9, refs["Restart the service"]: 1}
    boxes = {b.node.title: b for b in build_tree_map(version, heat).boxes}
    assert boxes["Does the device power on?"].hot
    assert boxes["Does the device power on?"].flags[1] == "HOT · 9 escalated"
    assert boxes["Restart the service"].heat == 1 and not boxes["Restart the service"].hot


def test_a_60_step_tree_fits_a_1366_px_screen_without_overlaps(acme, sam):
    tree, _ = _tree_of(sam, 60)
    tree_map = build_tree_map(draft_with_nodes(tree))
    assert len(tree_map.boxes) == 60 and not tree_map.unreachable
    # Its last layer has 29 steps: wrapped onto rows of 5, the map stays within a card
    # of the 1,180-px page (1,085 px inside) with its text at natural size.
    assert tree_map.width <= 1085
    assert max(b.layer for b in tree_map.boxes) == 5
    seen = set()
    for b in tree_map.boxes:
        assert (b.x, b.y) not in seen
        seen.add((b.x, b.y))
    rows: dict[int, list] = {}
    for b in tree_map.boxes:
        rows.setdefault(b.y, []).append(b)
    for row in rows.values():
        xs = sorted(b.x for b in row)
        assert all(x2 - x1 >= BOX_W for x1, x2 in zip(xs, xs[1:], strict=False))


def test_tree_page_draws_the_map_with_a_text_alternative(client, acme, sam, viewer):
    version = make_tree(acme, sam, title="Printer offline")
    login(client, viewer)
    body = client.get(f"/trees/{version.tree_id}/").content.decode()
    assert '<svg class="tm-svg"' in body
    assert body.count('class="tm-box') == 4
    # A group named by its title (it holds links: an image's content is unreachable).
    assert 'role="group" aria-labelledby="tm-title"' in body and "The map as text" in body
    assert 'role="img"' not in body.split('<svg class="tm-svg"')[1].split("</svg>")[0]
    assert "style=" not in re.sub(r"<link[^>]*>", "", body.split('<svg class="tm-svg"')[1])


def test_editor_draws_the_draft_map(client, acme, sam, django_assert_max_num_queries):
    version = make_tree(acme, sam)
    login(client, sam)
    with django_assert_max_num_queries(14):
        body = client.get(f"/trees/{version.tree_id}/edit/").content.decode()
    assert "Map of the draft" in body and '<svg class="tm-svg"' in body


@pytest.mark.parametrize("steps", [10, 60])
def test_map_page_query_count_does_not_grow_with_the_tree(
    client, acme, sam, steps, django_assert_max_num_queries
):
    tree, _ = _tree_of(sam, steps)
    tree_services.tree_publish(actor=sam, tree_id=tree.pk)
    login(client, sam)
    with django_assert_max_num_queries(12):
        response = client.get(f"/trees/{tree.pk}/")
    assert response.content.decode().count('class="tm-box') == steps


def test_an_edit_in_the_editor_redraws_the_map_out_of_band(client, acme, sam):
    version = make_tree(acme, sam, published=False)
    login(client, sam)
    response = client.post(
        f"/trees/{version.tree_id}/edit/nodes/",
        {"kind": "question", "title": "A new lonely question", "body": ""},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="tree-map-slot" hx-swap-oob="true"' in body
    assert "A new lonely question" in body.split('hx-swap-oob="true"')[1]
