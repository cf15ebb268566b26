"""Production mode refuses the private-host allowance and insists on encryption keys."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KEY = "dGhpcnR5LXR3by1ieXRlLWtleS1mb3ItdGhlLXRlc3Q="  # 32 bytes, url-safe base64
PRODUCTION = {
    "BATON_ENV": "production",
    "SECRET_KEY": "k9#Qz!v2@Lm8$Rt4%Yw6^Pb1&Nc3*Hd5(Jf7)Gs0-Xa_Ue+Io=Ky",
    "ALLOWED_HOSTS": "baton.example",
    "DATABASE_URL": "postgres://u@127.0.0.1:5432/db",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "BATON_SECRET_KEYS": KEY,
    "BATON_BASE_URL": "https://baton.example",
    "BATON_VAPID_PRIVATE_KEY": "2SBaNymRASVDV2hooEpRX9E4YljhGCIatCJba6jmoQU",
    "BATON_VAPID_SUBJECT": "mailto:ops@baton.example",
}


def manage_check(**env_overrides) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL"))}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_with_private_integration_hosts_allowed():
    result = manage_check(**PRODUCTION, BATON_ALLOW_PRIVATE_INTEGRATION_HOSTS="1")
    assert result.returncode != 0
    assert "BATON_ALLOW_PRIVATE_INTEGRATION_HOSTS is set" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_needs_encryption_keys_and_checks_them():
    missing = manage_check(**{**PRODUCTION, "BATON_SECRET_KEYS": ""})
    assert missing.returncode != 0 and "BATON_SECRET_KEYS is not set" in missing.stderr
    typo = manage_check(**{**PRODUCTION, "BATON_SECRET_KEYS": f"{KEY},not-a-key"})
    assert typo.returncode != 0 and "key 2 is not a Fernet key" in typo.stderr
    rotating = manage_check(**{**PRODUCTION, "BATON_SECRET_KEYS": f"{KEY}, {KEY}"})
    assert rotating.returncode == 0, rotating.stderr


def test_production_needs_the_web_push_key_and_contact():
    missing = manage_check(**{**PRODUCTION, "BATON_VAPID_PRIVATE_KEY": ""})
    assert missing.returncode != 0 and "BATON_VAPID_PRIVATE_KEY is not set" in missing.stderr
    no_contact = manage_check(**{**PRODUCTION, "BATON_VAPID_SUBJECT": ""})
    assert no_contact.returncode != 0 and "BATON_VAPID_SUBJECT is not set" in no_contact.stderr
