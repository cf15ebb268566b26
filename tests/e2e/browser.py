"""Driving Debian's Chromium with Playwright from a Channels live-server test.

Browser downloads are impossible here, so Playwright launches /usr/bin/chromium
(`apt-get install chromium`). Playwright's sync API runs an event loop in the test
thread, hence DJANGO_ALLOW_ASYNC_UNSAFE (the ORM calls the tests make are plain
sync code between browser steps).
"""

import asyncio
import os
import shutil
from pathlib import Path

import pytest
from channels.testing import ChannelsLiveServerTestCase
from daphne.testing import DaphneProcess

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def skip_reason() -> str | None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return "browser tests need PostgreSQL for the live server: set DATABASE_URL"
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        return f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


requires_browser = pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or "")


def launch():
    """(playwright, browser): the caller stops both (and sets DJANGO_ALLOW_ASYNC_UNSAFE
    only while its tests run: subprocesses of other tests must not inherit it)."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
    return playwright, browser


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def session_cookie(user) -> str:
    """A logged-in session for `user`, written to the (shared) test database."""
    from django.test import Client

    client = Client()
    client.force_login(user, backend="troubleshoot.accounts.auth_backends.EmailBackend")
    return client.cookies["sessionid"].value


def context_for(browser, base_url: str, user=None):
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 860})
    if user is not None:
        context.add_cookies([{"name": "sessionid", "value": session_cookie(user), "url": base_url}])
    return context


def pretend_hidden(page) -> None:
    """Headless pages are always visible; make this one report hidden, as a
    background tab does, so the title-flash path runs."""
    page.evaluate(
        """() => {
            Object.defineProperty(document, 'hidden', {configurable: true, get: () => true});
            Object.defineProperty(document, 'visibilityState',
                {configurable: true, get: () => 'hidden'});
            document.dispatchEvent(new Event('visibilitychange'));
        }"""
    )


class UvloopDaphneProcess(DaphneProcess):
    """The live server on uvloop, the loop `python -m config.serve` gives daphne.

    DaphneProcess installs a fresh reactor on `asyncio.new_event_loop()` in the forked
    child; the policy set here, in the child only, makes that loop uvloop's.
    """

    def run(self):
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
        super().run()


class BrowserLiveServerTestCase(ChannelsLiveServerTestCase):
    """A live daphne on the test database and one Chromium for the class.

    Subclasses start what the server talks to in `start_fakes()` and stop it in
    `stop_fakes()`, and return the settings the server runs with from
    `server_settings()` (applied before the server process forks, so it inherits
    them). Tasks are eager; with BATON_TASKS_IN_THREAD they run on a thread in the
    server, as in embedded mode.
    """

    host = "127.0.0.1"
    ProtocolServerProcess = UvloopDaphneProcess

    @classmethod
    def start_fakes(cls) -> None:
        return None

    @classmethod
    def stop_fakes(cls) -> None:
        return None

    @classmethod
    def server_settings(cls) -> dict:
        return {}

    @classmethod
    def setUpClass(cls):
        from django.conf import settings
        from django.db import connection
        from django.test.utils import override_settings

        from config.celery import app as celery_app

        cls.start_fakes()
        # The server process re-derives its database name from TEST.NAME.
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = connection.settings_dict[
            "NAME"
        ]
        cls._e2e_settings = override_settings(**cls.server_settings())
        cls._e2e_settings.enable()
        celery_app.conf.task_always_eager = True
        super().setUpClass()
        cls._async_unsafe = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        cls.playwright, cls.browser = launch()

    @classmethod
    def tearDownClass(cls):
        try:
            cls.browser.close()
            cls.playwright.stop()
            super().tearDownClass()
        finally:
            if cls._async_unsafe is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = cls._async_unsafe
            cls._e2e_settings.disable()
            cls.stop_fakes()
