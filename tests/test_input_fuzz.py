"""Hostile input never answers 500: every URL pattern, every GET parameter and every form
field a view reads, as an engineer and as an admin.

Which parameters a view reads is not listed by hand: a first request records every key
the view looks up in request.GET / request.POST (forms included), then all those keys
get each fuzz value below, and once a list of values. A new view or a new field is
covered without touching this file. Ids in the path are also replaced by a number beyond
bigint. Run it on PostgreSQL (CI does): a NUL that reaches the database is a 500 there
and nothing on SQLite. Not here: Django admin (platform operators; tenant users are only
redirected to its login), the websocket and file uploads (their own tests).
"""

import re
import time
from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import login
from tests.factories import make_user
from tests.factories_sessions import add_step, make_session, make_tree
from troubleshoot.models import Role, StepKind

FUZZ_VALUES = {
    "NUL": "12\x00",
    "superscript two": "²",  # str.isdigit() says yes, int() says no
    "arabic-indic digit": "٣",  # int() reads it as 3
    "5,000 digits": "9" * 5000,  # int() refuses more than 4,300 digits
    "beyond bigint": "99999999999999999999",
    "[ x 100,000": "[" * 100_000,  # also the very long string
    'deep {"a":': '{"a":' * 20_000,
    "bidi override": "abc\u202edcba",
    "only invisible": "\u200b\u2060\u00ad",
}
LIST_VALUE = ["1", "\x00", "²"]  # the same key three times
SKIP_PREFIXES = ("admin/",)
PROBE = "_fuzz_probe"


def url_patterns(resolver=None, prefix=""):
    """(route, name) of every pattern, includes walked."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from url_patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, entry.name


PATTERNS = sorted(
    {route for route, _ in url_patterns() if not route.startswith(SKIP_PREFIXES)},
)


class RecordingQueryDict(QueryDict):
    """A QueryDict that notes every key looked up (forms read through get/getlist/in)."""

    seen: set[str]

    @classmethod
    def wrapping(cls, original: QueryDict, seen: set[str]):
        copy = cls("", mutable=True, encoding=original.encoding)
        for key, values in original.lists():
            copy.setlist(key, values)
        copy._mutable = False
        copy.seen = seen
        return copy

    def __getitem__(self, key):
        self.seen.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.seen.add(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        self.seen.add(key)
        return super().getlist(key, default)

    def __contains__(self, key):
        self.seen.add(key)
        return super().__contains__(key)


READ_KEYS: dict[str, set[str]] = {"GET": set(), "POST": set()}


class RecordReads:
    """Test-only middleware: swaps request.GET/POST for recording copies."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = RecordingQueryDict.wrapping(request.GET, READ_KEYS["GET"])
        if request.method == "POST":
            request.POST = RecordingQueryDict.wrapping(request.POST, READ_KEYS["POST"])
        return self.get_response(request)


@pytest.fixture
def world(acme, acme_team, admin, owner, alice, sam, django_capture_on_commit_callbacks):
    """One of everything a URL can name, in account A."""
    from handoffs import services as handoff_services
    from handoffs.models import Handoff
    from notifications.models import Delivery, Notification

    version = make_tree(acme, sam, title="Outlook not syncing", category="Email")
    tree = version.tree
    draft = tree.versions.get(number=0)
    node = draft.nodes.order_by("id").first()
    session = make_session(alice, tree_version=version, problem_summary="Mail stuck")
    step = add_step(session, alice, kind=StepKind.NOTE, note="tried safe mode")
    with django_capture_on_commit_callbacks(execute=True):
        handoff_services.handoff_create(
            actor=alice, session_id=session.pk, intent="escalate", priority="high"
        )
    handoff = Handoff.objects.get(session=session)
    for user in (admin, owner, alice, sam):
        Notification.objects.get_or_create(
            recipient=user,
            account=acme,
            kind="test",
            title="A notification",
            defaults={"link": f"/sessions/{session.pk}/pickup/"},
        )
    delivery = Delivery.objects.filter(account=acme).first()
    assert delivery is not None, "escalating should have written deliveries"
    member = make_user(acme, Role.ENGINEER, name="Member To Edit", team=acme_team)
    from notifications.services.webhooks import webhook_create
    from troubleshoot.accounts import tokens
    from troubleshoot.accounts.invitations import invitation_create

    token, _ = tokens.token_create(actor=admin, name="fuzz", expires_at=None)
    webhook = webhook_create(
        actor=admin, url="https://127.0.0.1:9/hook", events=["handoff.created"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            actor=admin, display_name="Ivy", email="ivy@acme.test", role=Role.ENGINEER, team=None
        )
    from django.db import transaction

    from troubleshoot.trees.proposals import tree_proposal_create

    with transaction.atomic():  # a tree update proposed from an escalation
        proposal = tree_proposal_create(
            actor=sam,
            published_node_id=version.start_node_id,
            problem_summary="Mail stuck",
            resolution_note="Rebuilt the OST.",
            session_id=session.pk,
        )
    ids = {
        "tree_id": tree.pk,
        "proposal_id": proposal.pk,
        "node_id": node.pk,
        "option_id": node.options.first().pk,
        "session_id": session.pk,
        "step_id": step.pk,
        "handoff_id": handoff.pk,
        "delivery_id": delivery.pk,
        "member_id": member.pk,
        "slot": "slack",
        "token_id": token.pk,
        "webhook_id": webhook.pk,
        "invitation_id": invitation.pk,
        # Routes naming something a test world has no row for: a plausible value.
        "action": "ping",
        "token": "not-a-real-invitation-token",
        "key": "not-a-real-key",
        "uidb36": "1",
        "provider_id": "microsoft",
        "pk": 1,
        "ticket": 12345,  # the demo PSA's ticket page
        "table": "timings",  # an analytics CSV (the one that also reads team names)
    }
    # Each user opens their own notification.
    return {
        "ids": ids,
        "notification_for": {
            u.pk: Notification.objects.filter(recipient=u).first().pk
            for u in (admin, owner, alice, sam)
        },
    }


def concrete(route: str, world, user, *, number: str | None = None) -> str:
    """'sessions/<int:session_id>/' -> '/sessions/12/' for this world (or every number
    in the path replaced by `number`)."""
    ids = {**world["ids"], "notification_id": world["notification_for"][user.pk]}
    # Regex routes (allauth's, the API router's): each named group becomes a plain one.
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route).replace("^", "").replace("$", "")
    while "<" in path:
        start, end = path.index("<"), path.index(">")
        converter, _, name = path[start + 1 : end].rpartition(":")
        value = number if number is not None and converter in ("id", "int") else ids[name]
        path = path[:start] + str(value) + path[end + 1 :]
    return "/" + path


def read_keys(client, method: str, path: str) -> set[str]:
    READ_KEYS["GET"].clear()
    READ_KEYS["POST"].clear()
    if method == "GET":
        client.get(path, {PROBE: "1"})
    else:
        client.post(
            path,
            urlencode({PROBE: "1"}),
            content_type="application/x-www-form-urlencoded",
        )
    return (READ_KEYS["GET"] | READ_KEYS["POST"]) - {PROBE}


def send(client, method: str, path: str, data: dict):
    if method == "GET":
        return client.get(path, data)
    body = urlencode(data, doseq=True)
    return client.post(path, body, content_type="application/x-www-form-urlencoded")


def fuzz_one_pattern(route, world, user, settings) -> tuple[list[str], int, set[str]]:
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.test_input_fuzz.RecordReads"]
    failures: list[str] = []
    requests = 0
    every_key: set[str] = set()
    for method in ("GET", "POST"):
        client = login(Client(raise_request_exception=False), user)
        path = concrete(route, world, user)
        keys = read_keys(client, method, path)
        every_key |= keys
        if "<id:" in route or "<int:" in route:
            # The path's own numbers: more than the database's integers hold.
            huge = concrete(route, world, user, number=FUZZ_VALUES["beyond bigint"])
            requests += 1
            if (status := send(client, method, huge, {}).status_code) >= 500:
                failures.append(f"{method} {huge} -> {status}")
        if not keys:
            continue  # the view reads no parameter with this method
        cases = [(label, dict.fromkeys(keys, value)) for label, value in FUZZ_VALUES.items()]
        cases.append(("a list", dict.fromkeys(keys, LIST_VALUE)))
        for label, data in cases:
            requests += 1
            response = send(client, method, path, data)
            if response.status_code >= 500:
                failures.append(f"{method} {path} [{label}] -> {response.status_code}")
    return failures, requests, every_key


@pytest.mark.parametrize("route", PATTERNS)
@pytest.mark.parametrize("role", ["engineer", "admin"])
def test_no_input_answers_500(route, role, world, alice, admin, settings):
    user = alice if role == "engineer" else admin
    started = time.monotonic()
    failures, requests, _ = fuzz_one_pattern(route, world, user, settings)
    assert failures == [], (
        f"{len(failures)} of {requests} requests answered 5xx "
        f"({time.monotonic() - started:.1f}s):\n" + "\n".join(failures[:40])
    )


def test_the_recorder_finds_the_parameters_views_read(world, alice, settings):
    """The fuzzing above is only as good as the key discovery: check it on known views."""
    _, _, library_keys = fuzz_one_pattern("trees/", world, alice, settings)
    assert {"q", "category", "page"} <= library_keys
    _, _, answer_keys = fuzz_one_pattern(
        "sessions/<int:session_id>/answer/", world, alice, settings
    )
    assert {"node", "option", "note"} <= answer_keys
