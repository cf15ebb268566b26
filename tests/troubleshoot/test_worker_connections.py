"""The Celery worker keeps its database connections between tasks (celery/celery#10554:
without CELERY_DB_REUSE_MAX the Django fixup closes the whole pool after each task)."""

from types import SimpleNamespace
from unittest import mock

import pytest
from django.db import connection

from config.celery import _return_db_connection, app


def test_the_fixup_is_told_to_reuse_connections():
    assert app.conf.get("CELERY_DB_REUSE_MAX") >= 100


def _task(*, eager: bool):
    return SimpleNamespace(request=SimpleNamespace(is_eager=eager))


def test_after_a_worker_task_old_connections_are_handed_back():
    with mock.patch("django.db.close_old_connections") as close_old:
        _return_db_connection(task=_task(eager=False))
    close_old.assert_called_once_with()


def test_an_eager_task_leaves_its_callers_connection_alone():
    with mock.patch("django.db.close_old_connections") as close_old:
        _return_db_connection(task=_task(eager=True))
    close_old.assert_not_called()


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_connection_goes_back_to_the_pool():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://... (.ci/run does)")
    connection.ensure_connection()
    _return_db_connection(task=_task(eager=False))
    assert connection.connection is None  # CONN_MAX_AGE 0: returned, pool keeps it
    with connection.cursor() as cursor:  # and the next task gets one again
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
