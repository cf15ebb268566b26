"""Redis goes away while a senior's queue page stays connected to daphne.

The websocket between the browser and daphne never breaks, so the page cannot notice
by itself that the server stopped hearing events. The socket hub's echo notices: the
page shows "paused", and once Redis is back it catches up with what it missed.
"""

import copy
import os
import time
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from handoffs.models import Handoff
from handoffs.services import handoff_create
from tests.e2e.browser import (
    BrowserLiveServerTestCase,
    context_for,
    requires_browser,
    screenshot,
)
from tests.factories import make_account, make_team, make_user
from tests.factories_sessions import make_session
from tests.fakes.tcp_proxy import TCPProxy
from troubleshoot.live import socket_hub
from troubleshoot.models import Role

requires_redis_layer = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="needs the Redis channel layer: set REDIS_URL=redis://... (.ci/run does)",
)


@requires_browser
@requires_redis_layer
@pytest.mark.e2e
class RedisAwayWhileTheQueueIsOpen(BrowserLiveServerTestCase):
    @classmethod
    def server_settings(cls) -> dict:
        # The server's (and this process') channel layer reaches Redis through a proxy
        # the test can cut; the browser talks to daphne directly.
        redis = urlsplit(os.environ["REDIS_URL"])
        layers = copy.deepcopy(settings.CHANNEL_LAYERS)
        config = layers["default"]["CONFIG"]
        config["hosts"] = [
            {**config["hosts"][0], "address": f"redis://127.0.0.1:{cls.proxy.port}{redis.path}"}
        ]
        config["prefix"] = f"e2e-outage-{os.getpid()}"
        return {"CHANNEL_LAYERS": layers, "BATON_TASKS_IN_THREAD": True}

    @classmethod
    def start_fakes(cls):
        redis = urlsplit(os.environ["REDIS_URL"])
        cls.proxy = TCPProxy(redis.port or 6379, redis.hostname or "127.0.0.1").start()
        # Beat fast, so the test waits seconds rather than the production ten (the
        # server process is forked from this one and inherits them).
        cls._beat = (socket_hub.HEARTBEAT_SECONDS, socket_hub.HEARTBEAT_TIMEOUT)
        socket_hub.HEARTBEAT_SECONDS, socket_hub.HEARTBEAT_TIMEOUT = 0.5, 0.5

    @classmethod
    def stop_fakes(cls):
        socket_hub.HEARTBEAT_SECONDS, socket_hub.HEARTBEAT_TIMEOUT = cls._beat
        cls.proxy.stop()

    def test_the_page_shows_paused_then_catches_up_with_what_it_missed(self):
        acme = make_account("Acme MSP")
        team = make_team(acme, "Service Desk")
        alice = make_user(acme, Role.ENGINEER, name="Alice Junior", team=team)
        sara = make_user(acme, Role.ENGINEER, name="Sara Senior", team=team)
        context = context_for(self.browser, self.live_server_url, sara)
        try:
            page = context.new_page()
            page.goto("/queue/")
            page.wait_for_selector("#live-dot[data-state=live]", timeout=10_000)

            self.proxy.cut()
            page.wait_for_selector("#live-dot[data-state=reconnecting]", timeout=10_000)
            assert "paused" in page.get_attribute("#live-dot", "title")
            # A screen reader reads the same state (the mark itself is a picture).
            assert "paused" in page.text_content("#live-dot-text")

            session = make_session(alice, problem_summary="Escalated while Redis was away")
            handoff_create(actor=alice, session_id=session.pk, intent="escalate")
            handoff = Handoff.objects.get(session=session)
            time.sleep(1.5)
            assert page.locator(f"#handoff-{handoff.pk}").count() == 0  # its event was lost

            self.proxy.restore()
            page.wait_for_selector("#live-dot[data-state=live]", timeout=20_000)
            page.wait_for_selector(f"#handoff-{handoff.pk}", timeout=10_000)
            screenshot(page, "queue-after-redis-outage")
        finally:
            context.close()
