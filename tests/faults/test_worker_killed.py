"""A worker is killed (SIGKILL, the whole process group) while it is inside an SMTP
conversation and a PSA note post (the PSA task on the default queue, the email task
it handed on to the email queue; this worker consumes both). With acks_late the
broker hands both tasks to the next worker; the ledger's claim
stops it from sending a second time, the sweeper then re-sends the email that never
arrived and fails the PSA note whose outcome is unknown instead of posting it twice.

Real processes: `celery -A config worker` against Redis and the test database.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from notifications.models import Delivery, DeliveryStatus
from notifications.services.sending import UNKNOWN_PSA_OUTCOME
from tests.conftest import database_url_for_subprocess, requires_postgres, requires_redis
from tests.fakes.gated_smtp import GatedSMTPServer
from tests.fakes.http_fakes import Reply
from tests.faults.conftest import (
    PSA_NOTE_PATH,
    celery_broker,
    escalate_over_http,
    sweep,
    time_passes,
)

pytestmark = [requires_postgres, requires_redis, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")


class Worker:
    """One `celery worker` in its own process group, logging to a file."""

    def __init__(self, name: str, log: Path, env: dict):
        self.log = log
        self.proc = subprocess.Popen(
            [str(CELERY), "-A", "config", "worker", "-c", "3", "-n", f"{name}@%h", "-l", "info"]
            + ["--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, needle: str, count: int = 1, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while self.text().count(needle) < count:
            if self.proc.poll() is not None:
                pytest.fail(f"worker exited ({self.proc.returncode}):\n{self.text()[-3000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"worker never logged {needle!r} x{count}:\n{self.text()[-3000:]}")
            time.sleep(0.1)

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


def wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


def test_worker_killed_mid_send_never_sends_an_email_or_psa_note_twice(
    alice, sam, session, psa, fake_http, client_for, tmp_path
):
    smtp = GatedSMTPServer().start()
    fake_http.route(PSA_NOTE_PATH, Reply(201, {"id": 9001}, delay=30))
    prefix = f"faults-{uuid.uuid4().hex[:8]}:"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.faults.worker_settings",
        "BATON_FAULTS_PREFIX": prefix,
        "DATABASE_URL": database_url_for_subprocess(),
        "DB_POOL": "0",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}?timeout=60",
        "BATON_HTTP_TIMEOUT": "60",
        "ANTHROPIC_API_KEY": "",
        "PYTHONPATH": str(ROOT),
    }
    workers: list[Worker] = []
    try:
        with celery_broker(
            os.environ["REDIS_URL"],
            queue=f"{prefix}celery",
            email_queue=f"{prefix}email",
            key_prefix=prefix,
        ):
            first = Worker("faults-first", tmp_path / "first.log", env)
            workers.append(first)
            first.wait_for("ready.")
            handoff = escalate_over_http(client_for(alice), session)

            # Both sends are in flight: the email held at RCPT, the note unanswered.
            assert smtp.waiting.wait(30), first.text()[-3000:]
            wait_until(lambda: fake_http.requests_to(PSA_NOTE_PATH), 30, "the PSA post")
            first.kill()
            rows = Delivery.objects.filter(account=handoff.account)
            assert set(rows.values_list("status", flat=True)) == {DeliveryStatus.SENDING}

            # acks_late: the next worker receives the tasks sending them again, and
            # skips both because the rows are claimed; nothing is sent a second time.
            smtp.release()
            fake_http.route(PSA_NOTE_PATH, Reply(201, {"id": 9002}))
            second = Worker("faults-second", tmp_path / "second.log", env)
            workers.append(second)
            second.wait_for("ready.")
            second.wait_for(": 'skipped'", count=2, timeout=30)
            assert smtp.messages == []
            assert len(fake_http.requests_to(PSA_NOTE_PATH)) == 1

            # Five minutes on, the sweeper recovers the stuck rows through the worker.
            time_passes(6 * 60)
            sweep()
            email = rows.get(channel="email")
            wait_until(
                lambda: Delivery.objects.get(pk=email.pk).status == DeliveryStatus.SENT,
                30,
                "the email to be re-sent",
            )
    finally:
        for worker in workers:
            worker.kill()
        smtp.stop()

    assert [m["To"] for m in smtp.messages] == [sam.email]
    note = rows.get(channel="psa")
    assert note.status == DeliveryStatus.FAILED
    assert UNKNOWN_PSA_OUTCOME in note.last_error
    assert len(fake_http.requests_to(PSA_NOTE_PATH)) == 1
