"""Two-way PSA on the pages: the start forms' ticket lookup (HTMX, never in the page
render), what reached the ticket on the session page and pickup screen, Retry for
admins, the write-back settings, the demo PSA's ticket page."""

from unittest import mock

import pytest
from django.core.cache import cache

from handoffs import services as handoff_services
from notifications.models import Delivery, DeliveryStatus, Integration, IntegrationKind
from tests.factories import make_account, make_user
from tests.factories_sessions import make_session
from tests.notifications.conftest import make_integration
from troubleshoot.models import Role, Session
from troubleshoot.sessions import services as session_services

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


@pytest.fixture
def demo_psa(acme):
    return Integration.objects.create(
        account=acme,
        kind=IntegrationKind.DEMO_PSA,
        config={"time_entries": True, "resolved_status": "Resolved"},
    )


def resolve_and_send(user, session, capture):
    with capture(execute=True):  # the ledger's sends run after commit (eager in tests)
        session_services.session_resolve(
            actor=user, session_id=session.pk, resolution_note="Rebuilt the profile."
        )


def test_a_ticket_link_opens_the_form_and_the_lookup_waits_for_htmx(
    alice, acme, fake_http, client_for
):
    make_integration(acme, IntegrationKind.CONNECTWISE, fake_http)
    client = client_for(alice)
    response = client.get("/sessions/new/?ticket=12345")
    assert response.status_code == 302
    assert response["Location"] == "/sessions/new/chat/?ticket=12345"
    page = client.get(response["Location"]).content.decode()
    assert 'id="psa-lookup"' in page and "load, change from:#id_psa_ticket" in page
    assert 'value="12345"' in page
    assert fake_http.requests == []  # the page never waits on the PSA


def test_the_tree_start_form_has_the_lookup_too(alice, acme, client_for):
    from tests.factories_sessions import make_tree

    version = make_tree(acme, alice, title="Printer offline")
    page = client_for(alice).get(f"/trees/{version.tree_id}/start/?ticket=12346")
    assert 'id="psa-lookup"' in page.content.decode()


def test_lookup_partial_fills_from_the_demo_psa(alice, demo_psa, client_for):
    response = client_for(alice).get("/psa/lookup/?psa_ticket=12345", **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "demo PSA" in html
    assert 'data-client_name="Contoso Ltd"' in html
    assert 'data-contact_name="Megan Bowen"' in html
    assert 'data-ticket_priority="Priority 2 - High"' in html
    assert "/psa/demo/tickets/12345/" in html


def test_lookup_without_a_psa_or_for_an_unknown_ticket_says_so(alice, acme, client_for):
    client = client_for(alice)
    assert "No PSA is connected" in client.get("/psa/lookup/?psa_ticket=1").content.decode()
    Integration.objects.create(account=acme, kind=IntegrationKind.DEMO_PSA)
    html = client.get("/psa/lookup/?psa_ticket=40404").content.decode()
    assert "no ticket #40404" in html and "by hand" in html


def test_lookup_is_for_engineers(acme, demo_psa, client_for):
    viewer = make_user(acme, Role.VIEWER)
    assert client_for(viewer).get("/psa/lookup/?psa_ticket=12345").status_code in (302, 403)


def test_starting_a_session_keeps_contact_and_priority(alice, client_for):
    response = client_for(alice).post(
        "/sessions/new/chat/",
        {
            "psa_ticket": "12345",
            "problem_summary": "Outlook asks for the password",
            "client_name": "Contoso Ltd",
            "contact_name": "Megan Bowen",
            "ticket_priority": "Priority 2 - High",
        },
    )
    assert response.status_code == 302
    session = Session.objects.get(user=alice)
    assert (session.psa_ticket, session.contact_name, session.ticket_priority) == (
        "12345",
        "Megan Bowen",
        "Priority 2 - High",
    )


def test_session_page_shows_what_reached_the_ticket(
    alice, demo_psa, client_for, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    session = make_session(alice, psa_ticket="12345")
    resolve_and_send(alice, session, django_capture_on_commit_callbacks)
    client = client_for(alice)
    page = client.get(f"/sessions/{session.pk}/").content.decode()
    assert f'id="psa-panel-{session.pk}"' in page
    assert f"baton:psa_updated:session-{session.pk} from:body" in page
    with django_assert_max_num_queries(8):
        html = client.get(f"/sessions/{session.pk}/psa/", **HTMX).content.decode()
    assert "Resolution note posted" in html and "PSA id demo-note-12345-" in html
    assert "Time entry posted" in html and "Status change posted" in html
    assert 'href="/psa/demo/tickets/12345/"' in html
    assert "Retry" not in html


def test_a_failed_write_shows_the_reason_and_admins_retry_it(
    alice, admin, demo_psa, client_for, django_capture_on_commit_callbacks
):
    session = make_session(alice, psa_ticket="40404")  # unknown to the demo PSA
    resolve_and_send(alice, session, django_capture_on_commit_callbacks)
    note = Delivery.objects.filter(channel="psa").order_by("id").first()
    assert note.status == DeliveryStatus.FAILED
    assert (
        "no ticket #40404" in client_for(alice).get(f"/sessions/{session.pk}/psa/").content.decode()
    )
    assert client_for(alice).post(f"/psa/writes/{note.pk}/retry/").status_code in (302, 403)

    admin_client = client_for(admin)
    html = admin_client.get(f"/sessions/{session.pk}/psa/").content.decode()
    assert "Retry" in html
    with mock.patch("notifications.services.sending.publish_now") as publish:
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(f"/psa/writes/{note.pk}/retry/", **HTMX)
    assert response.status_code == 200
    note.refresh_from_db()
    assert note.status == DeliveryStatus.FAILED and note.attempts == 1  # sent again, failed again
    assert (f"session-{session.pk}", {"type": "psa_updated", "session_id": session.pk}) in [
        c.args for c in publish.call_args_list
    ]


def test_another_accounts_session_and_write_are_404(alice, demo_psa, client_for):
    other = make_user(make_account("Globex"), Role.ADMIN)
    session = make_session(alice, psa_ticket="12345", status="resolved")
    row = Delivery.objects.create(
        account=alice.account,
        channel="psa",
        target="12345",
        subject="x",
        payload={"op": "note", "session_id": session.pk},
        dedupe_key="x",
        status="failed",
    )
    client = client_for(other)
    assert client.get(f"/sessions/{session.pk}/psa/").status_code == 404
    assert client.post(f"/psa/writes/{row.pk}/retry/").status_code == 404


def test_resolving_an_escalation_on_the_pickup_screen_writes_back(
    alice, sam, demo_psa, client_for, django_capture_on_commit_callbacks
):
    session = make_session(alice, psa_ticket="12345", problem_summary="VPN drops")
    with django_capture_on_commit_callbacks(execute=True):
        handoff = handoff_services.handoff_create(
            actor=alice, session_id=session.pk, intent="escalate", priority="high"
        )
        handoff_services.handoff_claim(actor=sam, handoff_id=handoff.pk)
    with django_capture_on_commit_callbacks(execute=True):
        handoff_services.handoff_resolve(actor=sam, handoff_id=handoff.pk, note="Fixed MTU.")
    rows = Delivery.objects.filter(channel="psa", payload__op__isnull=False).order_by("id")
    ops = sorted(r.payload["op"] for r in rows)
    assert ops == ["note", "status", "time", "time"]
    assert all(r.status == DeliveryStatus.SENT for r in rows)
    pickup = client_for(sam).get(f"/sessions/{session.pk}/pickup/").content.decode()
    assert f'id="psa-panel-{session.pk}"' in pickup
    html = client_for(sam).get(f"/sessions/{session.pk}/psa/").content.decode()
    assert "Escalation note posted" in html and "Resolution note posted" in html


def test_writeback_settings_are_saved_by_admins_and_kept_with_new_credentials(
    admin, acme, fake_http, client_for
):
    psa = make_integration(acme, IntegrationKind.AUTOTASK, fake_http)
    client = client_for(admin)
    bad = client.post(
        "/account/integrations/psa/writeback/",
        {"writeback-time_entries": "on", "writeback-resolved_status": "Complete"},
    )
    assert bad.status_code == 400 and "names statuses by number" in bad.content.decode()
    ok = client.post(
        "/account/integrations/psa/writeback/",
        {
            "writeback-time_entries": "on",
            "writeback-resolved_status": "5",
            "writeback-time_as": "29682885",
        },
    )
    assert ok.status_code == 302
    psa.refresh_from_db()
    assert psa.config["time_entries"] is True and psa.config["resolved_status"] == "5"
    assert psa.config["time_as"] == "29682885"
    from notifications.services import integration_save

    integration_save(
        actor=admin,
        kind="autotask",
        config={**psa.config},
        secrets={"secret": "at-secret-5555"},
    )
    psa.refresh_from_db()
    assert psa.config["resolved_status"] == "5" and psa.config["time_as"] == "29682885"
    page = client.get("/account/integrations/").content.decode()
    assert "PSA write-back on resolve" in page


def test_writeback_settings_are_admin_only(alice, demo_psa, client_for):
    response = client_for(alice).post(
        "/account/integrations/psa/writeback/", {"writeback-resolved_status": "x"}
    )
    assert response.status_code in (302, 403)
    demo_psa.refresh_from_db()
    assert demo_psa.config["resolved_status"] == "Resolved"


def test_demo_ticket_page_lists_what_baton_wrote(
    alice, demo_psa, client_for, django_capture_on_commit_callbacks
):
    session = make_session(alice, psa_ticket="12345", problem_summary="Outlook asks again")
    resolve_and_send(alice, session, django_capture_on_commit_callbacks)
    html = client_for(alice).get("/psa/demo/tickets/12345/").content.decode()
    assert "demo PSA" in html and "Resolved: Outlook asks again" in html
    assert client_for(alice).get("/psa/demo/tickets/40404/").status_code == 404


def test_the_demo_seeds_the_demo_psa_only_where_no_psa_is_connected(db, fake_http):
    import io

    from notifications import demo as notifications_demo
    from troubleshoot import demo
    from troubleshoot.models import Account

    demo.seed(io.StringIO())
    bluebird = Account.objects.get(slug="bluebird")
    own = make_integration(bluebird, IntegrationKind.HALOPSA, fake_http)
    notifications_demo.seed(io.StringIO())
    notifications_demo.seed(io.StringIO())  # idempotent
    northwind = Integration.objects.get(account__slug="northwind", slot="psa")
    assert northwind.kind == IntegrationKind.DEMO_PSA and northwind.config["time_entries"]
    own.refresh_from_db()
    assert own.kind == IntegrationKind.HALOPSA
    assert Integration.objects.filter(kind=IntegrationKind.DEMO_PSA).count() == 1
