"""The API's contract, walked from its own OpenAPI schema: every operation, present and
future, is checked for tenant isolation and for its role, without a list to keep up.

For each operation of /api/v1/:
- the role it needs is the page's: a viewer reads only (every write needs an engineer,
  except marking your own bell read), and the few pages that ask more are listed in
  PAGE_ROLES; the schema states that role (`x-baton-role`);
- without credentials it is 401;
- each role below the stated one gets 403 (platform staff without an account, below
  viewer), and the stated role does not get the role's 403;
- with ids of account A in its path, the owner of account B (who has every role) gets
  404 and changes nothing of A's; a list read by B never shows anything of A's;
- every id a request body can carry is covered below: another account's id there is
  refused too.
"""

import json

import pytest
from django.db.models import Model
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from handoffs import services as handoff_services
from handoffs.models import Handoff
from notifications.models import Notification, Webhook
from notifications.services import webhook_create
from tests.factories import make_user
from tests.factories_sessions import make_session, make_tree
from troubleshoot.models import ApiToken, Node, Option, Role, Session, Tree
from troubleshoot.sessions import services as session_services

MARKER = "acme-private-7f3c"
ROLE_ORDER = ["viewer", "engineer", "admin"]
# The 403 sentences of the role permissions (troubleshoot/accounts/api/permissions.py).
ROLE_MESSAGES = {
    "Only people of an account can use the API.",
    "Your role does not allow this: engineers, admins and owners only.",
    "Your role does not allow this: admins and owners only.",
}


# Where the matching page asks for more (or, for your own bell, less) than "viewers
# read, engineers write" (the roles.py decorator on the page's view, in the comment).
PAGE_ROLES = {
    ("GET", "/api/v1/handoffs/queue/"): "engineer",  # handoffs.views.queue: engineer_required
    ("GET", "/api/v1/trees/{tree_id}/draft/"): "engineer",  # the tree editor
    ("POST", "/api/v1/trees/{tree_id}/archive/"): "admin",  # library.tree_archive
    ("POST", "/api/v1/notifications/{notification_id}/read/"): "viewer",  # bell: member
    ("POST", "/api/v1/notifications/read-all/"): "viewer",
}


def expected_role(method: str, path: str) -> str:
    if (method, path) in PAGE_ROLES:
        return PAGE_ROLES[(method, path)]
    if path.startswith("/api/v1/webhooks/"):
        return "admin"  # like the integrations page
    return "viewer" if method == "GET" else "engineer"


def _operations() -> list[tuple[str, str, dict]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (method.upper(), path, operation)
        for path, methods in schema["paths"].items()
        if path.startswith("/api/v1/")
        for method, operation in methods.items()
    ]


OPERATIONS = _operations()
IDS = [f"{method} {path}" for method, path, _ in OPERATIONS]


@pytest.fixture
def world(acme, globex, owner, admin, alice, sam, viewer, django_capture_on_commit_callbacks):
    """Account A with one of everything, each carrying MARKER; account B's owner."""
    version = make_tree(acme, owner, title=f"Printer offline {MARKER}", tags=MARKER)
    draft = version.tree.versions.get(number=0)
    draft_node = draft.nodes.order_by("position").first()
    session = session_services.session_start(
        actor=alice, tree_id=version.tree_id, problem_summary=f"Outlook {MARKER}"
    )
    first = version.start_node.options.order_by("position").first()
    step = session_services.session_answer(
        actor=alice, session_id=session.pk, node_id=version.start_node_id, option_id=first.pk
    )
    with django_capture_on_commit_callbacks(execute=True):
        handoff = handoff_services.handoff_create(
            actor=alice, session_id=session.pk, intent="escalate", engineer_notes=MARKER
        )
    private = make_session(sam, tree_version=version, problem_summary=f"Private {MARKER}")
    # After the escalation, so nothing tries to call it.
    webhook = webhook_create(
        actor=admin, url=f"https://hooks.example.test/{MARKER}", events=["handoff.claimed"]
    )
    bob = make_user(globex, Role.OWNER, name="Bob Globex")
    ids = {
        "tree_id": version.tree_id,
        "node_id": draft_node.pk,
        "option_id": draft_node.options.first().pk if draft_node.options.exists() else 0,
        "session_id": session.pk,
        "handoff_id": handoff.pk,
        "notification_id": Notification.objects.filter(recipient=owner).first().pk,
        "step_id": step.pk,
        "private_session_id": private.pk,
        "webhook_id": webhook.pk,
    }
    option = Option.objects.filter(node__version=draft).first()
    ids["option_id"] = option.pk
    people = {"viewer": viewer, "engineer": sam, "admin": admin, "owner": owner, "bob": bob}
    return {"ids": ids, "people": people, "account": acme}


def _client(user) -> APIClient:
    client = APIClient()
    if user.account_id is None:
        client.force_login(user, backend="troubleshoot.accounts.auth_backends.EmailBackend")
        return client
    from troubleshoot.accounts.tokens import token_create

    _, raw = token_create(actor=user, name="contract")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def _call(client, method: str, path: str, ids: dict, body=None):
    url = path
    for name, value in ids.items():
        url = url.replace("{" + name + "}", str(value))
    assert "{" not in url, f"the contract test has no id for a parameter of {path}"
    return client.generic(method, url, json.dumps(body or {}), content_type="application/json")


def _state_of(account) -> list:
    """Every row of account A the API can change, as plain values."""
    rows: list[Model] = [
        *Tree.objects.filter(account=account),
        *Node.objects.filter(version__tree__account=account),
        *Option.objects.filter(node__version__tree__account=account),
        *Session.objects.filter(account=account),
        *Handoff.objects.filter(account=account),
        *Notification.objects.filter(account=account),
        *ApiToken.objects.filter(account=account),
        *Webhook.objects.filter(account=account),
    ]
    state = []
    for row in rows:
        values = {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}
        values.pop("last_used_at", None)  # a token's use is recorded, not a change
        state.append((type(row).__name__, sorted(values.items(), key=lambda kv: kv[0])))
    return sorted(state, key=repr)


def test_every_operation_states_the_role_its_page_needs():
    assert OPERATIONS, "the schema lists no operation"
    stated = {f"{m} {p}": op.get("x-baton-role") for m, p, op in OPERATIONS}
    assert stated == {f"{m} {p}": expected_role(m, p) for m, p, _ in OPERATIONS}


def test_the_schema_is_valid_openapi_and_served(client):
    from drf_spectacular.validation import validate_schema

    validate_schema(SchemaGenerator().get_schema(request=None, public=True))
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs.content
    assert b"://" not in docs.content.split(b"<body")[1]  # no script from another site


@pytest.mark.django_db
@pytest.mark.parametrize("method, path, operation", OPERATIONS, ids=IDS)
def test_without_credentials_it_is_401(method, path, operation, world):
    response = _call(APIClient(), method, path, world["ids"])
    assert response.status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize("method, path, operation", OPERATIONS, ids=IDS)
def test_each_lower_role_gets_403_and_the_stated_role_passes_the_role_check(
    method, path, operation, world
):
    role = expected_role(method, path)
    lower = ROLE_ORDER[: ROLE_ORDER.index(role)]
    people = world["people"]
    staff = make_user(None, is_staff=True)  # platform operator: no account, below viewer
    for user in [staff, *(people[r] for r in lower)]:
        response = _call(_client(user), method, path, world["ids"])
        assert response.status_code == 403, (user.role, response.content)
        assert response.json()["detail"] in ROLE_MESSAGES
    response = _call(_client(people[role]), method, path, world["ids"])
    refused_for_role = response.status_code == 403 and response.json()["detail"] in ROLE_MESSAGES
    assert not refused_for_role, response.content


@pytest.mark.django_db
@pytest.mark.parametrize("method, path, operation", OPERATIONS, ids=IDS)
def test_another_accounts_ids_are_404_and_nothing_of_theirs_changes_or_shows(
    method, path, operation, world
):
    before = _state_of(world["account"])
    response = _call(_client(world["people"]["bob"]), method, path, world["ids"])
    if "{" in path:
        assert response.status_code == 404, response.content
    else:
        assert response.status_code < 500
    assert MARKER.encode() not in response.content
    assert _state_of(world["account"]) == before


# Every id a request body can carry, and a request by account B's owner that puts
# account A's id there; a new id field fails test_every_body_id_is_covered until added.
BODY_IDS = {
    ("POST", "/api/v1/sessions/", "tree_id"): 404,
    ("POST", "/api/v1/sessions/{session_id}/answer/", "option_id"): 400,
    ("POST", "/api/v1/sessions/{session_id}/answer/", "node_id"): 400,
    ("POST", "/api/v1/sessions/{session_id}/back/", "step_id"): 400,
    ("POST", "/api/v1/sessions/{session_id}/handoff/", "target_user_id"): 400,
    ("POST", "/api/v1/handoffs/{handoff_id}/reassign/", "to_user_id"): 400,
    ("POST", "/api/v1/trees/{tree_id}/draft/nodes/{node_id}/options/", "leads_to"): 400,
    ("PATCH", "/api/v1/trees/{tree_id}/draft/options/{option_id}/", "leads_to"): 400,
    ("POST", "/api/v1/trees/{tree_id}/draft/start/", "node_id"): 404,
}


def _body_id_fields(operation, components) -> list[str]:
    ref = (
        operation.get("requestBody", {})
        .get("content", {})
        .get("application/json", {})
        .get("schema", {})
        .get("$ref")
    )
    if not ref:
        return []
    properties = components[ref.split("/")[-1]].get("properties", {})
    return [
        name
        for name, spec in properties.items()
        if name.endswith("_id") or name in ("leads_to",)
        if spec.get("type") == "integer"
    ]


def test_every_body_id_is_covered():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    found = {
        (method, path, field)
        for method, path, operation in OPERATIONS
        for field in _body_id_fields(operation, components)
    }
    assert found == set(BODY_IDS)


@pytest.mark.django_db
@pytest.mark.parametrize("method, path, field", list(BODY_IDS), ids=[" ".join(k) for k in BODY_IDS])
def test_another_accounts_id_in_a_body_is_refused(
    method, path, field, world, globex, django_capture_on_commit_callbacks
):
    """Account B's owner works on B's own objects but names A's in the body."""
    bob = world["people"]["bob"]
    a = world["ids"]
    version = make_tree(globex, bob)
    draft_node = version.tree.versions.get(number=0).nodes.order_by("position").first()
    own = {
        "tree_id": version.tree_id,
        "node_id": draft_node.pk,
        "option_id": draft_node.options.first().pk,
        "session_id": make_session(bob, tree_version=version).pk,
    }
    colleague = make_user(globex, Role.ENGINEER)
    if "handoff_id" in path:
        theirs = make_session(colleague, tree_version=version)
        with django_capture_on_commit_callbacks(execute=True):
            handoff = handoff_services.handoff_create(
                actor=colleague, session_id=theirs.pk, intent="escalate"
            )
        handoff_services.handoff_claim(actor=bob, handoff_id=handoff.pk)
        own["handoff_id"] = handoff.pk
    if field == "step_id":
        step_session = session_services.session_start(
            actor=bob, tree_id=version.tree_id, problem_summary="B's own"
        )
        own["session_id"] = step_session.pk
    foreign = {
        "tree_id": a["tree_id"],
        "option_id": a["option_id"],
        "node_id": a["node_id"],
        "step_id": a["step_id"],
        "target_user_id": world["people"]["engineer"].pk,
        "to_user_id": world["people"]["engineer"].pk,
        "leads_to": a["node_id"],
    }
    body = {field: foreign[field]}
    body.update(
        {
            "/api/v1/sessions/": {"problem_summary": "B's problem"},
            "/api/v1/sessions/{session_id}/answer/": {"option_id": a["option_id"]},
            "/api/v1/sessions/{session_id}/handoff/": {"intent": "escalate"},
        }.get(path, {})
    )
    if "leads_to" in body:
        body["label"] = "Leads elsewhere"
    before = _state_of(world["account"])
    response = _call(_client(bob), method, path, own, body)
    assert response.status_code == BODY_IDS[(method, path, field)], response.content
    assert MARKER.encode() not in response.content
    assert _state_of(world["account"]) == before
