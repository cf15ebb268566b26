"""Django admin lists trees, versions, nodes, sessions and steps with filters and search."""

import pytest
from django.urls import reverse

from tests.factories import make_user
from tests.factories_sessions import add_step, make_session


@pytest.mark.parametrize("model", ["tree", "treeversion", "node", "session", "step"])
def test_admin_changelists_filter_and_search(client_for, acme, alice, tree_v1, model):
    operator = make_user(None, is_staff=True, is_superuser=True)
    session = make_session(alice, tree_version=tree_v1, problem_summary="Printer jam")
    add_step(session, alice, note="checked tray")
    client = client_for(operator)
    url = reverse(f"admin:troubleshoot_{model}_changelist")
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "printer"}).status_code == 200
    change = client.get(
        reverse(f"admin:troubleshoot_{model}_change", args=[_pk(model, tree_v1, session)])
    )
    assert change.status_code == 200


def _pk(model, version, session):
    return {
        "tree": version.tree_id,
        "treeversion": version.pk,
        "node": version.start_node_id,
        "session": session.pk,
        "step": session.steps.first().pk,
    }[model]
