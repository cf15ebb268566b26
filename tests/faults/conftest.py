"""Fault injection: the escalation path against services that fail for real.

Every fake here is a real server on 127.0.0.1 (HTTP, SMTP, the Anthropic Messages
API) or a real outage (a closed port where Redis should be, a killed worker). The
one thing simulated is the passing of time: instead of sleeping through a 30 s
backoff or the 5 min "stale send" window, `time_passes()` moves the ledger's
timestamps back, which is what the sweeper reads.
"""

import contextlib
import socket
from datetime import timedelta

import pytest
from django.db.models import F
from django.test.utils import override_settings
from django.urls import reverse

from config.celery import app as celery_app
from handoffs.models import Handoff
from notifications.models import Delivery, Integration, IntegrationKind
from tests.factories_sessions import add_step, make_session, make_tree
from tests.fakes.http_fakes import FakeHTTPServer
from troubleshoot.live import tasking
from troubleshoot.models import StepKind

TICKET = "4711"
PSA_NOTE_PATH = f"/v4_6_release/apis/3.0/service/tickets/{TICKET}/notes"


def closed_port() -> int:
    """A port nothing listens on (bound, then released): connections are refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(autouse=True)
def tasks_run_in_process():
    """Eager tasks, as the test settings say, whatever an earlier test left behind in
    the Celery app's conf (it reads Django settings live, so a restore can go wrong)."""
    celery_app.conf.task_always_eager = True
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def session(acme, alice, sam):
    """Alice's tree session on ticket #4711, two steps in."""
    version = make_tree(acme, sam, title="Outlook will not sync", category="Email")
    s = make_session(
        alice,
        tree_version=version,
        problem_summary="Outlook stopped syncing for the finance team",
        psa_ticket=TICKET,
        client_name="Contoso Dental",
    )
    add_step(s, alice, kind=StepKind.NOTE, note="Rebuilt the profile: no change")
    return s


@pytest.fixture
def fake_http():
    with FakeHTTPServer() as server:
        yield server


@pytest.fixture
def slack(acme, fake_http):
    return Integration.objects.create(
        account=acme, kind=IntegrationKind.SLACK, secrets={"webhook_url": fake_http.url("/slack")}
    )


@pytest.fixture
def psa(acme, fake_http):
    """ConnectWise, whose notes endpoint is the fake."""
    return Integration.objects.create(
        account=acme,
        kind=IntegrationKind.CONNECTWISE,
        config={
            "site": fake_http.base_url,
            "company_id": "acme",
            "public_key": "pub",
            "client_id": "cid",
        },
        secrets={"private_key": "priv-secret"},
    )


@pytest.fixture
def smtp_settings(settings):
    """Real SMTP to 127.0.0.1:<port>; returns a function that sets the port."""

    def point_at(port: int):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 2

    return point_at


def escalate_over_http(client, session, capture=None, **fields) -> Handoff:
    """The junior presses Escalate: asserts the request succeeded and the row is saved.

    `capture` is django_capture_on_commit_callbacks (plain tests); transactional
    tests pass None, their callbacks run at the real commit.
    """
    data = {"intent": "escalate", "priority": "high", "engineer_notes": "Suspect the OST file"}
    data.update(fields)
    url = reverse("handoffs:handoff_form", args=[session.pk])
    with capture(execute=True) if capture else contextlib.nullcontext():
        response = client.post(url, data)
    assert response.status_code == 303, response.content.decode()[:2000]
    assert response["Location"] == reverse("troubleshoot:session_detail", args=[session.pk])
    handoff = Handoff.objects.get(session=session)
    assert handoff.intent == "escalate" and handoff.status == "open"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Session escalated to the team." in page.content.decode()
    return handoff


def time_passes(seconds: float) -> None:
    """Age every delivery by `seconds`: backoffs fall due, `sending` rows go stale."""
    delta = timedelta(seconds=seconds)
    Delivery.objects.update(
        next_attempt_at=F("next_attempt_at") - delta, updated_at=F("updated_at") - delta
    )
    Handoff.objects.update(updated_at=F("updated_at") - delta)


def sweep(capture=None) -> None:
    """Run both beat sweepers the way beat would (tasks, not service calls)."""
    from handoffs.tasks import sweep_handoffs
    from notifications.tasks import sweep_deliveries

    with capture(execute=True) if capture else contextlib.nullcontext():
        sweep_deliveries.apply()
        sweep_handoffs.apply()


@contextlib.contextmanager
def celery_broker(
    url: str,
    *,
    queue: str | None = None,
    key_prefix: str | None = None,
    email_queue: str | None = None,
):
    """Send tasks to a real broker at `url` (not eager) for the duration; `queue` and
    `email_queue` rename the default and the email queue.

    The app caches its connection pools, so they are dropped on the way in and out.
    """
    conf = celery_app.conf
    saved = {
        "task_always_eager": conf.task_always_eager,
        "broker_url": conf.broker_url,
        "task_default_queue": conf.task_default_queue,
        "broker_transport_options": conf.broker_transport_options,
    }

    def reset_pools():
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        tasking._broker_paused_until = 0.0

    conf.task_always_eager = False
    conf.broker_url = url
    if queue:
        conf.task_default_queue = queue
    if key_prefix:
        conf.broker_transport_options = {
            **conf.broker_transport_options,
            "global_keyprefix": key_prefix,
        }
    reset_pools()
    renamed = (
        override_settings(BATON_EMAIL_QUEUE=email_queue)
        if email_queue
        else contextlib.nullcontext()
    )
    try:
        with renamed:
            yield
    finally:
        for key, value in saved.items():
            setattr(conf, key, value)
        reset_pools()
