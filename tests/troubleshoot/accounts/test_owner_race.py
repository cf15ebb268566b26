"""Two owners demoting or removing each other at the same moment: the account always
keeps an owner. Needs PostgreSQL (SQLite serialises writers, so no race can be staged)."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from tests.conftest import requires_postgres
from tests.factories import make_user
from troubleshoot.accounts import services
from troubleshoot.models import Role, User

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 24


def at_once(*calls) -> list:
    """Run each call on its own thread and connection, released together."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            call()
            outcomes[i] = "done"
        except (ValidationError, PermissionDenied) as exc:
            outcomes[i] = exc
        except Exception as exc:  # anything else is a bug the assertion will show
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes


def owners_of(account) -> int:
    return User.objects.members_of(account.pk).filter(role=Role.OWNER).count()


@pytest.mark.parametrize("action", ["demote", "remove"])
def test_owners_acting_on_each_other_at_once_leave_one_owner(acme, action):
    for round_ in range(ROUNDS):
        first = make_user(acme, Role.OWNER, name=f"First {round_}")
        second = make_user(acme, Role.OWNER, name=f"Second {round_}")
        # Everyone else stops being an owner, so exactly these two are left.
        User.objects.filter(account=acme, role=Role.OWNER).exclude(
            pk__in=[first.pk, second.pk]
        ).update(role=Role.ENGINEER)

        def act(actor, member):
            if action == "demote":
                return lambda: services.member_change_role(
                    actor=actor, member=member, role=Role.ADMIN
                )
            return lambda: services.member_remove(actor=actor, member=member)

        outcomes = at_once(act(first, second), act(second, first))
        assert owners_of(acme) == 1, (round_, outcomes)
        assert sorted(o == "done" for o in outcomes) == [False, True], outcomes
        assert all(isinstance(o, (str, ValidationError, PermissionDenied)) for o in outcomes)
