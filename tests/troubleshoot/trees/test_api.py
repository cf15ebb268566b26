"""/api/v1/trees/: the library, a tree with its published version, draft editing,
publish, export and import, archive, with the pages' roles and 404 across accounts."""

import pytest

from tests.factories_sessions import make_tree
from troubleshoot.models import Tree

pytestmark = pytest.mark.django_db


def test_library_lists_searches_and_counts_categories(
    api_for, acme, owner, viewer, alice, globex, charlie
):
    printer = make_tree(acme, owner, title="Printer offline", category="Printing")
    vpn = make_tree(acme, owner, title="VPN won't connect", category="Network")
    make_tree(acme, alice, title="Alice's draft", category="Network", published=False)
    make_tree(globex, charlie, title="Printer at Globex", category="Printing")
    client = api_for(viewer)
    listed = client.get("/api/v1/trees/").json()
    assert [t["id"] for t in listed["results"]] == [printer.tree_id, vpn.tree_id]
    assert listed["results"][0]["published_version"] == 1
    found = client.get("/api/v1/trees/?q=printer").json()["results"]
    assert [t["id"] for t in found] == [printer.tree_id]
    network = client.get("/api/v1/trees/?category=Network").json()["results"]
    assert [t["id"] for t in network] == [vpn.tree_id]
    categories = client.get("/api/v1/trees/categories/").json()
    assert categories == [{"category": "Network", "count": 1}, {"category": "Printing", "count": 1}]
    # The author sees their own draft too, as in the library page.
    mine = api_for(alice).get("/api/v1/trees/?category=Network").json()["results"]
    assert len(mine) == 2


def test_a_tree_comes_with_its_published_version(api_for, acme, owner, viewer, charlie):
    version = make_tree(acme, owner, title="Printer offline")
    detail = api_for(viewer).get(f"/api/v1/trees/{version.tree_id}/").json()
    assert detail["version"]["number"] == 1
    assert detail["version"]["start_node_id"] == version.start_node_id
    assert len(detail["version"]["nodes"]) == 4
    question = next(n for n in detail["version"]["nodes"] if n["id"] == version.start_node_id)
    assert [o["label"] for o in question["options"]] == ["Yes", "No"]
    assert detail["has_unpublished_changes"] is None  # viewers are not told about drafts
    assert api_for(charlie).get(f"/api/v1/trees/{version.tree_id}/").status_code == 404


def test_an_engineer_builds_and_publishes_a_tree(api_for, alice):
    client = api_for(alice)
    created = client.post(
        "/api/v1/trees/",
        {"title": "Slow PC", "category": "Performance", "tags": "slow, pc, slow"},
        format="json",
    )
    assert created.status_code == 201
    tree = created.json()
    assert tree["tags"] == ["slow", "pc"]  # the editor form's clean-up
    base = f"/api/v1/trees/{tree['id']}/draft"
    question = client.post(
        f"{base}/nodes/", {"kind": "question", "title": "Is it slow at boot?"}, format="json"
    ).json()
    fixed = client.post(
        f"{base}/nodes/", {"kind": "solution", "title": "Disable startup apps"}, format="json"
    ).json()
    unpublishable = client.post(f"/api/v1/trees/{tree['id']}/publish/")
    assert unpublishable.status_code == 400
    assert unpublishable.json()["errors"]  # every problem, listed
    answer = client.post(
        f"{base}/nodes/{question['id']}/options/",
        {"label": "Yes", "leads_to": fixed["id"]},
        format="json",
    )
    assert answer.status_code == 201
    draft = client.get(f"{base}/").json()
    assert draft["start_node_id"] == question["id"]
    published = client.post(f"/api/v1/trees/{tree['id']}/publish/")
    assert published.status_code == 201
    assert published.json()["number"] == 1
    renamed = client.patch(
        f"/api/v1/trees/{tree['id']}/", {"title": "Slow computer"}, format="json"
    )
    assert renamed.status_code == 200
    assert renamed.json()["title"] == "Slow computer"
    assert renamed.json()["category"] == "Performance"
    assert renamed.json()["has_unpublished_changes"] is True


def test_draft_edits_are_checked(api_for, acme, alice, owner):
    version = make_tree(acme, owner, published=False)
    other = make_tree(acme, owner, published=False)
    client = api_for(alice)
    base = f"/api/v1/trees/{version.tree_id}/draft"
    too_long = client.post(
        f"{base}/nodes/", {"kind": "question", "title": "x" * 201}, format="json"
    )
    assert too_long.status_code == 400 and "title" in too_long.json()["errors"]
    foreign_node = other.nodes.first()
    # A node of another tree is not found under this tree's URL.
    assert (
        client.patch(f"{base}/nodes/{foreign_node.pk}/", {"title": "x"}, format="json").status_code
        == 404
    )
    node = version.nodes.first()
    dangling = client.post(
        f"{base}/nodes/{node.pk}/options/",
        {"label": "Maybe", "leads_to": foreign_node.pk},
        format="json",
    )
    assert dangling.status_code == 400
    assert dangling.json()["detail"] == "That node is not part of this tree."
    assert client.delete(f"{base}/nodes/{node.pk}/").status_code == 204


def test_viewers_read_but_do_not_edit_and_only_admins_archive(
    api_for, acme, owner, viewer, alice, admin
):
    version = make_tree(acme, owner)
    url = f"/api/v1/trees/{version.tree_id}"
    assert (
        api_for(viewer)
        .post("/api/v1/trees/", {"title": "t", "category": "c"}, format="json")
        .status_code
        == 403
    )
    assert api_for(viewer).get(f"{url}/draft/").status_code == 403
    assert api_for(alice).post(f"{url}/archive/").status_code == 403
    assert api_for(admin).post(f"{url}/archive/").status_code == 200
    assert api_for(alice).get(f"{url}/").status_code == 404
    assert Tree.objects.get(pk=version.tree_id).archived_at is not None


def test_export_then_import_makes_a_published_copy(api_for, acme, owner, alice):
    version = make_tree(acme, owner, title="Printer offline")
    client = api_for(alice)
    exported = client.get(f"/api/v1/trees/{version.tree_id}/export/").json()
    assert exported["format"] == "baton-tree"
    exported["tree"]["title"] = "Printer offline (copy)"
    imported = client.post("/api/v1/trees/import/", exported, format="json")
    assert imported.status_code == 201
    assert imported.json()["title"] == "Printer offline (copy)"
    assert imported.json()["version"]["number"] == 1
    exported["nodes"][0]["kind"] = "riddle"
    broken = client.post("/api/v1/trees/import/", exported, format="json")
    assert broken.status_code == 400
    assert any("riddle" in e for e in broken.json()["errors"])


def test_a_deeply_nested_body_is_a_400_not_a_500(api_for, alice):
    body = "[" * 100000 + "]" * 100000
    response = api_for(alice).generic(
        "POST", "/api/v1/trees/import/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]
