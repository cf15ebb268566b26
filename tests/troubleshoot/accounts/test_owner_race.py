"""Two owners demoting or removing each other at the same moment: the account always
keeps an owner. Needs PostgreSQL (SQLite serialises writers, so no race can be staged)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.concurrency import at_once
from tests.conftest import requires_postgres
from tests.factories import make_user
from troubleshoot.accounts import services
from troubleshoot.models import Role, User

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 24


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

        outcomes = at_once([act(first, second), act(second, first)])
        assert owners_of(acme) == 1, (round_, outcomes)
        refused = [o for o in outcomes if isinstance(o, (ValidationError, PermissionDenied))]
        assert len(refused) == 1, outcomes  # the other call went through
