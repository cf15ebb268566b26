"""Settings modes, health check, demo data."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from channels.layers import channel_layers
from django.core.management import call_command
from django.urls import reverse

from tests.conftest import login
from tests.factories import make_user
from troubleshoot.models import Account, Role, User

ROOT = Path(__file__).resolve().parents[2]


def _manage(args, **env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL"))}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_mode_without_secret_key_names_it_without_traceback():
    result = _manage(["check"], BATON_ENV="production")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_mode_without_redis_names_it():
    result = _manage(
        ["check"],
        BATON_ENV="production",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="baton.example",
        DATABASE_URL="postgres://u@127.0.0.1:5432/db",
    )
    assert result.returncode != 0
    assert "REDIS_URL is not set" in result.stderr
    assert "Traceback" not in result.stderr


PRODUCTION_ENV = {
    "BATON_ENV": "production",
    "SECRET_KEY": "k9#Qz!v2@Lm8$Rt4%Yw6^Pb1&Nc3*Hd5(Jf7)Gs0-Xa_Ue+Io=Ky",
    "ALLOWED_HOSTS": "baton.example",
    "DATABASE_URL": "postgres://u@127.0.0.1:5432/db",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "BATON_BASE_URL": "https://baton.example",
    "BATON_SECRET_KEYS": "dGhpcnR5LXR3by1ieXRlLWtleS1mb3ItdGhlLXRlc3Q=",
    "BATON_VAPID_PRIVATE_KEY": "2SBaNymRASVDV2hooEpRX9E4YljhGCIatCJba6jmoQU",
    "BATON_VAPID_SUBJECT": "mailto:ops@baton.example",
}


def test_production_mode_requires_the_base_url_for_links():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "BATON_BASE_URL"}
    result = _manage(["check"], **env)
    assert result.returncode != 0
    assert "BATON_BASE_URL is not set" in result.stderr
    assert "Traceback" not in result.stderr

    result = _manage(["check"], **{**env, "BATON_BASE_URL": "baton.example"})
    assert result.returncode != 0
    assert "BATON_BASE_URL must be an absolute URL" in result.stderr


def test_check_deploy_is_clean_in_production_mode():
    result = _manage(["check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_embedded_mode_is_the_default():
    result = _manage(
        ["shell", "-c", "from django.conf import settings; print(settings.BATON_MODE_DESCRIPTION)"]
    )
    assert result.returncode == 0, result.stderr
    assert "embedded" in result.stdout
    assert "SQLite" in result.stdout and "in-memory channel layer" in result.stdout


@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    counts = (Account.objects.count(), User.all_objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Account.objects.count(), User.all_objects.count()) == counts
    text = out.getvalue()
    assert "jane@northwind.example" in text and "baton-demo-2026" in text
    assert counts[0] >= 2


@pytest.fixture
def staff_client(client, acme):
    return login(client, make_user(acme, Role.OWNER, is_staff=True))


def test_healthz_reports_each_service_to_staff(staff_client):
    response = staff_client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["db"] == "ok"
    assert body["channel_layer"] == "ok"
    assert body["broker"] in ("ok", "eager")


@pytest.fixture
def broken_redis(settings):
    """Point the channel layer and the broker at a port where nothing listens."""
    from config.celery import app

    # Read before changing: Celery reads Django's settings live.
    old_broker = app.conf.broker_url
    old_eager = app.conf.task_always_eager
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [{"address": "redis://127.0.0.1:1/0"}]},
        }
    }
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app.conf.task_always_eager = False
    channel_layers.backends.clear()
    yield
    app.conf.broker_url = old_broker
    app.conf.task_always_eager = old_eager
    app._pool = None  # drop connections made to the dead broker
    channel_layers.backends.clear()


def test_healthz_is_503_naming_what_is_down_to_staff(staff_client, broken_redis):
    response = staff_client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["db"] == "ok"
    assert body["channel_layer"].startswith("error")
    assert body["broker"].startswith("error")
    assert set(body["failing"]) == {"channel_layer", "broker"}


def test_healthz_gives_others_the_status_only(client, client_for, alice, broken_redis):
    """The error text names hosts and ports: not for anonymous callers, nor members."""
    for caller in (client, client_for(alice)):
        response = caller.get(reverse("healthz"))
        assert response.status_code == 503
        assert response.json() == {"status": "failing"}
        assert b"127.0.0.1" not in response.content


@pytest.mark.django_db
def test_healthz_says_ok_to_anonymous_callers(client):
    response = client.get(reverse("healthz"))
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
