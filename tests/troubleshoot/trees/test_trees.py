"""Decision trees: publishing rules, versions, editor permissions, import/export."""

import json
import re

import pytest
from django.http import Http404
from django.urls import reverse

from tests.factories_sessions import make_session, make_tree
from troubleshoot.models import Node, NodeKind, Tree
from troubleshoot.sessions import services as session_services
from troubleshoot.trees import services
from troubleshoot.trees.import_export import TreeImportError, export_version, parse_import


def draft_tree(owner, title="Draft tree"):
    return services.tree_create(actor=owner, title=title, category="Email")


def node(owner, tree, kind, title):
    return services.node_create(actor=owner, tree_id=tree.pk, kind=kind, title=title)


def publish_errors(owner, tree) -> list[str]:
    with pytest.raises(services.TreeInvalid) as caught:
        services.tree_publish(actor=owner, tree_id=tree.pk)
    return caught.value.errors


def test_empty_tree_cannot_be_published(owner):
    assert publish_errors(owner, draft_tree(owner)) == ["Add at least one node: the tree is empty."]


def test_missing_start_node_is_reported(owner):
    tree = draft_tree(owner)
    solution = node(owner, tree, NodeKind.SOLUTION, "Fixed")
    services.node_delete(actor=owner, node_id=node(owner, tree, NodeKind.SOLUTION, "Tmp").pk)
    draft = tree.versions.get(number=0)
    draft.start_node = None
    draft.save()
    errors = publish_errors(owner, tree)
    assert any("Choose a start node" in e for e in errors)
    assert solution.pk


def test_unreachable_dangling_and_missing_solution_name_the_nodes(owner):
    tree = draft_tree(owner)
    start = node(owner, tree, NodeKind.QUESTION, "Is it plugged in?")
    node(owner, tree, NodeKind.QUESTION, "Orphan question")
    services.option_create(actor=owner, node_id=start.pk, label="Yes", target_id=None)
    errors = publish_errors(owner, tree)
    joined = " ".join(errors)
    assert "Options lead nowhere (pick where each one goes): “Is it plugged in?”." in errors
    assert "Questions need at least one answer: “Orphan question”." in errors
    assert "Unreachable from the start node: “Orphan question”." in errors
    assert "Add at least one solution node" in joined


def test_action_without_outcome_and_solution_with_options_are_errors(owner):
    tree = draft_tree(owner)
    action = node(owner, tree, NodeKind.ACTION, "Restart it")
    fixed = node(owner, tree, NodeKind.SOLUTION, "Fixed")
    for option in action.options.all():
        services.option_delete(actor=owner, option_id=option.pk)
    services.option_create(actor=owner, node_id=fixed.pk, label="Loop", target_id=action.pk)
    errors = publish_errors(owner, tree)
    assert "Actions need an outcome that leads on: “Restart it”." in errors
    assert "Solutions end the walk and cannot have options: “Fixed”." in errors


def test_option_cannot_point_at_another_trees_node(owner, acme):
    tree = draft_tree(owner)
    start = node(owner, tree, NodeKind.QUESTION, "Q")
    other = make_tree(acme, owner, title="Other")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        services.option_create(
            actor=owner, node_id=start.pk, label="Jump", target_id=other.start_node_id
        )
    assert "not part of this tree" in str(caught.value)


def test_editor_refuses_foreign_target_with_a_sentence(client_for, owner, acme):
    tree = draft_tree(owner)
    start = node(owner, tree, NodeKind.QUESTION, "Q")
    other = make_tree(acme, owner, title="Other")
    response = client_for(owner).post(
        reverse("troubleshoot:option_add", args=[tree.pk, start.pk]),
        {"label": "Jump", "target": other.start_node_id},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert b"That node is not part of this tree." in response.content
    assert not start.options.exists()


def test_publish_freezes_a_copy_and_sessions_keep_their_version(owner, alice, acme):
    v1 = make_tree(acme, owner, title="Printer offline")
    tree = v1.tree
    session = session_services.session_start(
        actor=alice, tree_id=tree.pk, problem_summary="Printer down"
    )
    draft_start = tree.versions.get(number=0).start_node
    services.node_update(
        actor=owner, node_id=draft_start.pk, kind="question", title="Is it switched on?", body=""
    )
    v2 = services.tree_publish(actor=owner, tree_id=tree.pk)
    assert (v1.number, v2.number) == (1, 2)
    session.refresh_from_db()
    assert session.tree_version == v1
    assert session.current_node.title == "Does the device power on?"
    assert v2.start_node.title == "Is it switched on?"
    tree.refresh_from_db()
    assert tree.latest_published == v2
    # published nodes are not editable through the editor services
    with pytest.raises(Http404):
        services.node_update(
            actor=owner, node_id=v1.start_node_id, kind="question", title="x", body=""
        )
    new_session = session_services.session_start(actor=alice, tree_id=tree.pk, problem_summary="b")
    assert new_session.tree_version == v2


def test_archived_tree_leaves_the_library_but_old_sessions_still_open(
    client_for, admin, alice, acme
):
    v1 = make_tree(acme, admin, title="Old VPN tree")
    session = make_session(alice, tree_version=v1, status="resolved")
    services.tree_archive(actor=admin, tree_id=v1.tree_id)
    assert Tree.objects.get().archived_at is not None
    client = client_for(alice)
    assert b"Old VPN tree" not in client.get(reverse("troubleshoot:tree_list")).content
    page = client.get(reverse("troubleshoot:session_detail", args=[session.pk]))
    assert page.status_code == 200 and b"Old VPN tree" in page.content


@pytest.mark.parametrize(
    "who,create,edit,archive",
    [
        ("viewer", 403, 403, 403),
        ("alice", 302, 200, 403),
        ("admin", 302, 200, 302),
        ("owner", 302, 200, 302),
    ],
)
def test_permissions_per_role(client_for, request, acme, owner, who, create, edit, archive):
    user = request.getfixturevalue(who)
    v1 = make_tree(acme, owner, title="Shared tree")
    client = client_for(user)
    assert client.get(reverse("troubleshoot:tree_detail", args=[v1.tree_id])).status_code == 200
    response = client.post(
        reverse("troubleshoot:tree_create"), {"title": "New", "category": "Email"}
    )
    assert response.status_code == create
    assert client.get(reverse("troubleshoot:tree_edit", args=[v1.tree_id])).status_code == edit
    response = client.post(reverse("troubleshoot:tree_archive", args=[v1.tree_id]))
    assert response.status_code == archive


def test_charlie_gets_404_for_another_accounts_tree(client_for, charlie, owner, acme):
    v1 = make_tree(acme, owner)
    client = client_for(charlie)
    for name in ("tree_detail", "tree_export", "tree_start_session"):
        assert client.get(reverse(f"troubleshoot:{name}", args=[v1.tree_id])).status_code == 404
    response = client.post(
        reverse("troubleshoot:node_add", args=[v1.tree_id]), {"kind": "question", "title": "x"}
    )
    assert response.status_code == 404


def test_editor_flow_add_nodes_options_reorder_and_publish(client_for, alice):
    client = client_for(alice)
    client.post(
        reverse("troubleshoot:tree_create"), {"title": "Wi-Fi drops", "category": "Network"}
    )
    tree = Tree.objects.get()
    hx = {"HTTP_HX_REQUEST": "true"}
    add = reverse("troubleshoot:node_add", args=[tree.pk])
    assert (
        client.post(add, {"kind": "question", "title": "Only one laptop?"}, **hx).status_code == 200
    )
    client.post(add, {"kind": "solution", "title": "Update the Wi-Fi driver"}, **hx)
    client.post(add, {"kind": "solution", "title": "Check the access point"}, **hx)
    q, driver, ap = Node.objects.order_by("id")
    assert tree.versions.get(number=0).start_node == q
    url = reverse("troubleshoot:option_add", args=[tree.pk, q.pk])
    client.post(url, {"label": "Yes", "target": driver.pk}, **hx)
    response = client.post(url, {"label": "No, everyone", "target": ap.pk}, **hx)
    assert b"No, everyone" in response.content
    second = q.options.get(label="No, everyone")
    client.post(
        reverse("troubleshoot:option_move", args=[tree.pk, second.pk]), {"direction": "up"}, **hx
    )
    assert list(q.options.order_by("position").values_list("label", flat=True)) == [
        "No, everyone",
        "Yes",
    ]
    response = client.post(reverse("troubleshoot:tree_publish", args=[tree.pk]))
    assert response.status_code == 302
    tree.refresh_from_db()
    assert tree.latest_published.number == 1


def test_the_editor_page_has_no_id_twice(client_for, alice):
    """The tree's details form and the add-step form are on one page: each label must
    point at its own box (both have a title field)."""
    client = client_for(alice)
    client.post(reverse("troubleshoot:tree_create"), {"title": "Printers", "category": "Print"})
    tree = Tree.objects.get()
    html = client.get(reverse("troubleshoot:tree_edit", args=[tree.pk])).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert 'id="id_title"' in html and 'id="node_title"' in html
    assert sorted(i for i in set(ids) if ids.count(i) > 1) == []
    # An add-step form sent back with an error keeps its own ids too.
    response = client.post(
        reverse("troubleshoot:node_add", args=[tree.pk]),
        {"kind": "question", "title": ""},
        HTTP_HX_REQUEST="true",
    )
    assert b'id="id_title"' not in response.content


def test_publish_errors_are_listed_on_the_editor_page(client_for, alice):
    client = client_for(alice)
    client.post(reverse("troubleshoot:tree_create"), {"title": "Broken", "category": "Network"})
    tree = Tree.objects.get()
    client.post(
        reverse("troubleshoot:node_add", args=[tree.pk]), {"kind": "question", "title": "Lonely"}
    )
    response = client.post(reverse("troubleshoot:tree_publish", args=[tree.pk]))
    assert response.status_code == 400
    assert "Questions need at least one answer: “Lonely”.".encode() in response.content
    assert Tree.objects.get().latest_published is None


def test_node_body_markdown_is_rendered_without_raw_html(client_for, alice, owner):
    tree = draft_tree(owner, "Markup")
    start = node(owner, tree, NodeKind.SOLUTION, "Fix")
    services.node_update(
        actor=owner,
        node_id=start.pk,
        kind="solution",
        title="Fix",
        body="**Bold** <script>alert(1)</script> [x](javascript:alert(1))",
    )
    services.tree_publish(actor=owner, tree_id=tree.pk)
    html = (
        client_for(alice).get(reverse("troubleshoot:tree_detail", args=[tree.pk])).content.decode()
    )
    assert "<strong>Bold</strong>" in html
    assert "<script>alert(1)" not in html and "javascript:" not in html


def test_oversized_node_text_is_refused_with_the_limit(client_for, alice, owner):
    tree = draft_tree(owner)
    response = client_for(alice).post(
        reverse("troubleshoot:node_add", args=[tree.pk]),
        {"kind": "question", "title": "Q", "body": "x" * 5001},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert b"at most 5000 characters" in response.content
    assert not Node.objects.exists()


def test_export_then_import_round_trips_a_tree(client_for, alice, owner, acme, globex, charlie):
    v1 = make_tree(acme, owner, title="Printer offline", category="Printing")
    response = client_for(alice).get(reverse("troubleshoot:tree_export", args=[v1.tree_id]))
    assert response["Content-Disposition"].endswith('printer-offline-v1.json"')
    document = json.loads(response.content)
    assert document["format"] == "baton-tree" and len(document["nodes"]) == 4
    imported = services.tree_import(actor=charlie, raw=response.content)
    assert imported.account == globex and imported.latest_published.number == 1
    again = export_version(imported.latest_published)
    assert again["nodes"] == document["nodes"] and again["start"] == document["start"]


@pytest.mark.parametrize(
    "raw,message",
    [
        ("{not json", "This is not valid JSON (line 1"),
        ('{"format": "other"}', "This is not a Baton tree export"),
        (
            '{"format": "baton-tree", "tree": {"title": "T", "category": "C"}}',
            'The "nodes" list is missing.',
        ),
        (
            '{"format": "baton-tree", "tree": {"title": "T", "category": "C"}, "nodes": '
            '[{"ref": "a", "kind": "bogus", "title": "A"}]}',
            "use question, action or solution",
        ),
        ("[1, 2]", "This is not a Baton tree export"),
    ],
)
def test_malformed_import_says_what_is_wrong(raw, message):
    with pytest.raises(TreeImportError) as caught:
        parse_import(raw)
    assert message in " ".join(caught.value.errors)


def test_import_validates_like_publish_and_creates_nothing(client_for, alice):
    document = {
        "format": "baton-tree",
        "tree": {"title": "Bad", "category": "Network"},
        "start": "a",
        "nodes": [
            {
                "ref": "a",
                "kind": "question",
                "title": "A",
                "options": [{"label": "x", "to": "elsewhere"}],
            },
            {"ref": "b", "kind": "solution", "title": "B"},
        ],
    }
    response = client_for(alice).post(
        reverse("troubleshoot:tree_import"), {"text": json.dumps(document)}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Options point at a node outside this tree: “A”." in html
    assert "Unreachable from the start node: “B”." in html
    assert not Tree.objects.exists()


def test_import_page_refuses_malformed_json_with_a_sentence(client_for, alice):
    response = client_for(alice).post(reverse("troubleshoot:tree_import"), {"text": "{oops"})
    assert response.status_code == 400
    assert b"This is not valid JSON" in response.content


def test_editor_edits_an_option_and_refuses_an_empty_label(client_for, owner):
    tree = draft_tree(owner)
    start = node(owner, tree, NodeKind.QUESTION, "Printer offline?")
    first = node(owner, tree, NodeKind.SOLUTION, "Restart the spooler")
    second = node(owner, tree, NodeKind.SOLUTION, "Reinstall the driver")
    option = services.option_create(actor=owner, node_id=start.pk, label="Yes", target_id=first.pk)
    url = reverse("troubleshoot:option_edit", args=[tree.pk, option.pk])
    client = client_for(owner)

    response = client.post(url, {"label": "Yes, for everyone", "target": second.pk})
    assert response.status_code == 302  # no htmx: back to the editor page
    option.refresh_from_db()
    assert (option.label, option.target_id) == ("Yes, for everyone", second.pk)

    response = client.post(url, {"label": "", "target": first.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert b"An option needs a label" in response.content
    option.refresh_from_db()
    assert (option.label, option.target_id) == ("Yes, for everyone", second.pk)
