"""Two-way PSA against the local fake server: ticket lookup, the resolve write-back
(note, time entry, status) for ConnectWise, Autotask and HaloPSA, each PSA's error
shapes (404 unknown ticket, 401 credentials), and the demo stand-in."""

import base64
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from notifications.models import Delivery, DeliveryStatus, IntegrationKind
from notifications.services import delivery_send, psa_ticket_lookup
from notifications.services.psa_writeback import engineer_time
from tests.factories_sessions import add_step, make_session
from tests.fakes.http_fakes import Reply
from tests.notifications.conftest import make_integration
from troubleshoot.models import Session, SessionStatus, StepKind
from troubleshoot.sessions import services as session_services

CW = "/v4_6_release/apis/3.0"
AT = "/ATServicesRest/V1.0"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def resolve(user, session, *, note="Rebuilt the Outlook profile.") -> list[Delivery]:
    """Resolve through the service; return the PSA rows it wrote, oldest first."""
    session_services.session_resolve(actor=user, session_id=session.pk, resolution_note=note)
    return list(Delivery.objects.filter(channel="psa").order_by("id"))


def send_all(rows) -> list[Delivery]:
    for row in rows:
        delivery_send(delivery_id=row.pk)
        row.refresh_from_db()
    return rows


def worked_session(alice, sam=None, ticket="12345"):
    """A session with 20 minutes of Alice's steps (and 10 of Sam's, when given)."""
    session = make_session(alice, psa_ticket=ticket, problem_summary="Outlook will not sync")
    start = timezone.now() - timedelta(hours=1)
    Session.objects.filter(pk=session.pk).update(created_at=start)
    session.refresh_from_db()
    for minutes, author in [(5, alice), (20, alice)] + ([(40, sam), (50, sam)] if sam else []):
        step = add_step(session, author, kind=StepKind.NOTE, note=f"at {minutes}")
        step.created_at = start + timedelta(minutes=minutes)
        step.save(update_fields=["created_at"])
    return session


def basic_auth(request) -> tuple[str, str]:
    return tuple(base64.b64decode(request.headers["authorization"][6:]).decode().split(":"))


# --- time per engineer ------------------------------------------------------------


def test_engineer_time_counts_each_engineers_own_stretches_not_the_wait(alice, sam):
    session = worked_session(alice, sam)
    spent = {e["user_id"]: e["minutes"] for e in engineer_time(session)}
    # Alice: start -> 5 -> 20; the 20 minutes before Sam's first step are nobody's.
    assert spent == {alice.pk: 20, sam.pk: 10}


# --- ConnectWise ------------------------------------------------------------------


def test_connectwise_lookup_reads_the_ticket_with_basic_auth(alice, acme, fake_http):
    make_integration(acme, IntegrationKind.CONNECTWISE, fake_http)
    fake_http.route(
        f"{CW}/service/tickets/12345",
        Reply(
            200,
            {
                "id": 12345,
                "summary": "Outlook will not sync",
                "company": {"identifier": "Contoso", "name": "Contoso Dental"},
                "contactName": "Megan Bowen",
                "priority": {"id": 4, "name": "Priority 2 - High"},
                "status": {"name": "New"},
            },
        ),
    )
    found = psa_ticket_lookup(actor=alice, ticket="#12345")
    assert found.ticket.as_dict() == {
        "ticket": "12345",
        "summary": "Outlook will not sync",
        "company": "Contoso Dental",
        "contact": "Megan Bowen",
        "priority": "Priority 2 - High",
        "status": "New",
    }
    request = fake_http.requests_to(f"{CW}/service/tickets/12345")[0]
    assert request.method == "GET"
    assert basic_auth(request) == ("acme+pub123", "priv-secret-9876")
    assert request.headers["clientid"] == "client-uuid"
    assert "service_recid=12345" in found.url
    # Cached: a second lookup does not ask ConnectWise again.
    psa_ticket_lookup(actor=alice, ticket="12345")
    assert len(fake_http.requests_to(f"{CW}/service/tickets/12345")) == 1


def test_connectwise_unknown_ticket_is_a_clear_sentence_and_keeps_the_psa_on(
    alice, acme, fake_http
):
    cw = make_integration(acme, IntegrationKind.CONNECTWISE, fake_http)
    fake_http.route(
        f"{CW}/service/tickets/999",
        Reply(404, {"code": "NotFound", "message": "Ticket recId 999 not found."}),
    )
    found = psa_ticket_lookup(actor=alice, ticket="999")
    assert not found.found
    assert "ConnectWise has no ticket #999" in found.message
    assert "Ticket recId 999 not found." in found.message
    cw.refresh_from_db()
    assert cw.enabled


def test_connectwise_401_on_lookup_turns_the_integration_off(alice, admin, acme, fake_http):
    cw = make_integration(acme, IntegrationKind.CONNECTWISE, fake_http)
    fake_http.route(f"{CW}/service/tickets/12345", Reply(401, {"message": "Unauthorized"}))
    found = psa_ticket_lookup(actor=alice, ticket="12345")
    assert not found.found and "turned off" in found.message
    cw.refresh_from_db()
    assert not cw.enabled and "401" in cw.disabled_reason


def test_connectwise_resolve_posts_note_time_entries_and_status(alice, sam, acme, fake_http):
    make_integration(
        acme,
        IntegrationKind.CONNECTWISE,
        fake_http,
        time_entries=True,
        resolved_status="Resolved",
        time_as="jdoe",
    )
    fake_http.route(f"{CW}/service/tickets/12345/notes", Reply(201, {"id": 9001}))
    fake_http.route(f"{CW}/time/entries", Reply(201, {"id": 555}))
    fake_http.route(
        f"{CW}/service/tickets/12345", Reply(200, {"id": 12345, "status": {"name": "Resolved"}})
    )
    session = worked_session(alice, sam)
    Session.objects.filter(pk=session.pk).update(status=SessionStatus.CLAIMED, assignee=sam)
    rows = send_all(resolve(sam, session))
    assert [r.payload["op"] for r in rows] == ["note", "time", "time", "status"]
    assert [r.status for r in rows] == [DeliveryStatus.SENT] * 4
    assert [r.external_id for r in rows] == ["9001", "555", "555", "Resolved"]

    note = fake_http.requests_to(f"{CW}/service/tickets/12345/notes")[0]
    assert note.json["internalAnalysisFlag"] is True
    assert "Outlook will not sync" in note.json["text"]
    entries = fake_http.requests_to(f"{CW}/time/entries")
    assert [e.json["chargeToType"] for e in entries] == ["ServiceTicket"] * 2
    assert all(e.json["chargeToId"] == 12345 for e in entries)
    assert all(e.json["timeStart"].endswith("Z") for e in entries)
    assert "Alice Junior worked 20 min" in entries[0].json["notes"]
    assert all(e.json["member"] == {"identifier": "jdoe"} for e in entries)
    assert basic_auth(entries[0]) == ("acme+pub123", "priv-secret-9876")
    patch = fake_http.requests_to(f"{CW}/service/tickets/12345")[0]
    assert patch.method == "PATCH"
    assert patch.json == [{"op": "replace", "path": "status/name", "value": "Resolved"}]


def test_resolving_twice_never_posts_a_second_note(alice, acme, fake_http):
    make_integration(acme, IntegrationKind.CONNECTWISE, fake_http)
    fake_http.route(f"{CW}/service/tickets/12345/notes", Reply(201, {"id": 1}))
    session = worked_session(alice)
    send_all(resolve(alice, session))
    from notifications.services import psa_writeback_on_resolve

    session.refresh_from_db()
    psa_writeback_on_resolve(session=session, actor=alice)  # a second call, e.g. a retry
    assert Delivery.objects.filter(channel="psa").count() == 1
    assert len(fake_http.requests_to(f"{CW}/service/tickets/12345/notes")) == 1


def test_no_ticket_or_an_abandoned_session_writes_nothing(alice, acme, fake_http):
    make_integration(acme, IntegrationKind.CONNECTWISE, fake_http)
    resolve(alice, make_session(alice))
    session_services.session_abandon(actor=alice, session_id=make_session(alice, psa_ticket="1").pk)
    assert not Delivery.objects.filter(channel="psa").exists()


# --- Autotask ---------------------------------------------------------------------


def test_autotask_lookup_reads_ticket_company_and_contact(alice, acme, fake_http):
    make_integration(acme, IntegrationKind.AUTOTASK, fake_http)
    fake_http.route(
        f"{AT}/Tickets/12345",
        Reply(
            200,
            {
                "item": {
                    "id": 12345,
                    "title": "VPN drops",
                    "companyID": 7,
                    "contactID": 9,
                    "priority": 1,
                }
            },
        ),
    )
    fake_http.route(f"{AT}/Companies/7", Reply(200, {"item": {"id": 7, "companyName": "Fabrikam"}}))
    fake_http.route(
        f"{AT}/Contacts/9", Reply(200, {"item": {"firstName": "Alex", "lastName": "Wilber"}})
    )
    found = psa_ticket_lookup(actor=alice, ticket="12345")
    assert (
        found.ticket.summary,
        found.ticket.company,
        found.ticket.contact,
        found.ticket.priority,
    ) == (
        "VPN drops",
        "Fabrikam",
        "Alex Wilber",
        "High",
    )
    for request in fake_http.requests:
        assert request.headers["apiintegrationcode"] == "CODE1"
        assert request.headers["username"] == "api@acme"
        assert request.headers["secret"] == "at-secret-5555"


def test_autotask_unknown_ticket_answers_item_null_or_404(alice, acme, fake_http):
    make_integration(acme, IntegrationKind.AUTOTASK, fake_http)
    fake_http.route(f"{AT}/Tickets/5", Reply(200, {"item": None}))
    fake_http.route(f"{AT}/Tickets/6", Reply(404, {"errors": ["Ticket 6 does not exist."]}))
    assert "Autotask has no ticket #5" in psa_ticket_lookup(actor=alice, ticket="5").message
    message = psa_ticket_lookup(actor=alice, ticket="6").message
    assert "Autotask has no ticket #6" in message and "Ticket 6 does not exist." in message


def test_autotask_resolve_posts_note_time_entry_and_status(alice, acme, fake_http):
    make_integration(
        acme,
        IntegrationKind.AUTOTASK,
        fake_http,
        time_entries=True,
        resolved_status="5",
        time_as="29682885",
    )
    fake_http.route(f"{AT}/Tickets/12345/Notes", Reply(200, {"itemId": 31}))
    fake_http.route(f"{AT}/TimeEntries", Reply(200, {"itemId": 32}))
    fake_http.route(f"{AT}/Tickets", Reply(200, {"itemId": 12345}))
    rows = send_all(resolve(alice, worked_session(alice)))
    assert [(r.payload["op"], r.status, r.external_id) for r in rows] == [
        ("note", "sent", "31"),
        ("time", "sent", "32"),
        ("status", "sent", "12345"),
    ]
    note = fake_http.requests_to(f"{AT}/Tickets/12345/Notes")[0]
    assert note.json["title"] == "Baton session write-up (resolved)"
    assert note.json["publish"] == 1 and "Outlook will not sync" in note.json["description"]
    entry = fake_http.requests_to(f"{AT}/TimeEntries")[0]
    assert (
        entry.json["ticketID"] == 12345 and entry.json["hoursWorked"] == 0.83
    )  # 20 min, then 30 (capped) to the resolve
    assert entry.json["startDateTime"].endswith("Z") and entry.json["summaryNotes"]
    assert entry.json["resourceID"] == 29682885
    assert entry.headers["secret"] == "at-secret-5555"
    status = fake_http.requests_to(f"{AT}/Tickets")[0]
    assert status.method == "PATCH" and status.json == {"id": 12345, "status": 5}


def test_autotask_rejected_time_entry_fails_with_autotasks_words(alice, acme, fake_http):
    at = make_integration(acme, IntegrationKind.AUTOTASK, fake_http, time_entries=True)
    fake_http.route(f"{AT}/Tickets/12345/Notes", Reply(200, {"itemId": 31}))
    fake_http.route(f"{AT}/TimeEntries", Reply(400, {"errors": ["Resource is required."]}))
    note, entry = send_all(resolve(alice, worked_session(alice)))
    assert note.status == DeliveryStatus.SENT
    assert entry.status == DeliveryStatus.FAILED
    assert "rejected the time entry" in entry.last_error
    assert "Resource is required." in entry.last_error
    at.refresh_from_db()
    assert at.enabled


# --- HaloPSA ----------------------------------------------------------------------


def test_halopsa_lookup_takes_a_token_then_reads_the_ticket(alice, acme, fake_http):
    make_integration(acme, IntegrationKind.HALOPSA, fake_http)
    fake_http.route("/auth/token", Reply(200, {"access_token": "tok-9"}))
    fake_http.route(
        "/api/tickets/12345",
        Reply(
            200,
            {
                "id": 12345,
                "summary": "Printer offline",
                "client_name": "Northwind",
                "user_name": "Lynne",
                "priority_id": 2,
            },
        ),
    )
    found = psa_ticket_lookup(actor=alice, ticket="12345")
    assert (found.ticket.summary, found.ticket.company, found.ticket.contact) == (
        "Printer offline",
        "Northwind",
        "Lynne",
    )
    assert found.ticket.priority == "Priority 2"
    assert fake_http.requests_to("/api/tickets/12345")[0].headers["authorization"] == "Bearer tok-9"
    assert found.url.endswith("/ticket?id=12345")


def test_halopsa_unknown_ticket_and_bad_credentials(alice, acme, fake_http):
    halo = make_integration(acme, IntegrationKind.HALOPSA, fake_http)
    fake_http.route("/auth/token", Reply(200, {"access_token": "tok-9"}))
    fake_http.route("/api/tickets/77", Reply(404, "Ticket not found"))
    assert "HaloPSA has no ticket #77" in psa_ticket_lookup(actor=alice, ticket="77").message
    halo.refresh_from_db()
    assert halo.enabled
    fake_http.route("/auth/token", Reply(401, {"error": "invalid_client"}))
    assert not psa_ticket_lookup(actor=alice, ticket="78").found
    halo.refresh_from_db()
    assert not halo.enabled


def test_halopsa_resolve_posts_note_time_action_and_status(alice, acme, fake_http):
    make_integration(
        acme,
        IntegrationKind.HALOPSA,
        fake_http,
        time_entries=True,
        resolved_status="9",
        time_as="3",
    )
    fake_http.route("/auth/token", Reply(200, {"access_token": "tok-1"}))
    fake_http.route("/api/actions", Reply(201, [{"id": 71}]))
    fake_http.route("/api/tickets", Reply(201, [{"id": 12345, "status_id": 9}]))
    rows = send_all(resolve(alice, worked_session(alice)))
    assert [(r.payload["op"], r.status, r.external_id) for r in rows] == [
        ("note", "sent", "71"),
        ("time", "sent", "71"),
        ("status", "sent", "12345"),
    ]
    note, time_action = (r.json[0] for r in fake_http.requests_to("/api/actions"))
    assert note["hiddenfromuser"] is True and note["outcome"] == "Private Note"
    assert time_action["timetaken"] == 0.83 and time_action["ticket_id"] == 12345
    assert time_action["agent_id"] == 3 and "agent_id" not in note
    status = fake_http.requests_to("/api/tickets")[0]
    assert status.json == [{"id": 12345, "status_id": 9}]
    assert status.headers["authorization"] == "Bearer tok-1"


def test_a_slow_psa_leaves_the_form_to_the_engineer_within_the_lookup_limit(
    alice, acme, fake_http, monkeypatch
):
    import notifications.transports.psa.connectwise as cw_module

    monkeypatch.setattr(cw_module, "LOOKUP_TIMEOUT_SECONDS", 0.3)
    make_integration(acme, IntegrationKind.CONNECTWISE, fake_http)
    fake_http.route(f"{CW}/service/tickets/12345", Reply(200, {"summary": "late"}, delay=1.0))
    found = psa_ticket_lookup(actor=alice, ticket="12345")
    assert not found.found
    assert "did not answer within" in found.message and "by hand" in found.message


# --- the demo stand-in ------------------------------------------------------------


def test_demo_psa_looks_up_and_writes_back_offline(alice, acme):
    from notifications.models import Integration

    Integration.objects.create(
        account=acme, kind=IntegrationKind.DEMO_PSA, config={"time_entries": True}
    )
    found = psa_ticket_lookup(actor=alice, ticket="12345")
    assert found.demo and found.ticket.company == "Contoso Ltd"
    assert "no ticket #40404" in psa_ticket_lookup(actor=alice, ticket="40404").message
    rows = send_all(resolve(alice, worked_session(alice)))
    assert [r.status for r in rows] == ["sent", "sent"]
    assert rows[0].external_id.startswith("demo-note-12345-")
