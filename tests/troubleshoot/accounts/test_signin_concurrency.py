"""Throttling holds under concurrent guesses: 20 wrong passwords at the same instant
(each from its own client, in its own thread with its own PostgreSQL connection) get
exactly 5 password checks; the rest, and then the right password, get 429.

allauth counts an attempt before the password is checked, under a cache lock, so a
burst cannot all read "4 failures so far" and pass together. With REDIS_URL set the
cache is Redis, as in production (where every daphne process shares it).
"""

import threading

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.conftest import requires_postgres
from tests.factories import PASSWORD

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]

GUESSERS = 20


def _burst(email: str, password: str) -> list[int]:
    barrier = threading.Barrier(GUESSERS)
    statuses: list = [None] * GUESSERS

    def guess(i):
        try:
            client = Client()
            barrier.wait(timeout=10)
            response = client.post(reverse("login"), {"login": email, "password": password})
            statuses[i] = response.status_code
        except Exception as exc:  # shown by the assertion
            statuses[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(GUESSERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return statuses


def test_twenty_concurrent_wrong_passwords_get_five_checks_and_fifteen_429s(alice):
    cache.clear()
    statuses = _burst(alice.email, "wrong-password")
    assert sorted(statuses) == [200] * 5 + [429] * 15, statuses
    response = Client().post(reverse("login"), {"login": alice.email, "password": PASSWORD})
    assert response.status_code == 429
    cache.clear()
