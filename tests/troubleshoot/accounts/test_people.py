"""Accounts, people and roles: members page, roles, access across accounts.

Sign-in (sign-up, login, throttling, reset, MFA, Microsoft) is in test_signin*.py.
"""

import pytest
from django.http import Http404
from django.urls import reverse

from tests.factories import PASSWORD, make_team, make_user
from troubleshoot.accounts.access import get_member_for_user, get_team_for_user
from troubleshoot.accounts.roles import (
    is_admin_or_above,
    is_engineer_or_above,
    is_member,
    is_owner,
)
from troubleshoot.models import Role, User

pytestmark = pytest.mark.django_db


def test_role_helpers_rank_roles(owner, admin, alice, viewer):
    assert [is_member(u) for u in (owner, admin, alice, viewer)] == [True] * 4
    assert [is_engineer_or_above(u) for u in (owner, admin, alice, viewer)] == [
        True,
        True,
        True,
        False,
    ]
    assert [is_admin_or_above(u) for u in (owner, admin, alice, viewer)] == [
        True,
        True,
        False,
        False,
    ]
    assert [is_owner(u) for u in (owner, admin, alice, viewer)] == [True, False, False, False]


def test_anonymous_and_accountless_users_have_no_role(django_user_model):
    from django.contrib.auth.models import AnonymousUser

    operator = User.objects.create_superuser("ops@example.test", PASSWORD)
    for user in (AnonymousUser(), operator):
        assert not is_member(user)
        assert not is_engineer_or_above(user)


def test_charlie_cannot_reach_alices_teammates_or_teams(alice, sam, acme_team, charlie):
    assert get_member_for_user(alice, sam.pk) == sam
    with pytest.raises(Http404):
        get_member_for_user(charlie, sam.pk)
    with pytest.raises(Http404):
        get_team_for_user(charlie, acme_team.pk)


def test_members_page_lists_only_own_account(client_for, alice, sam, charlie):
    body = client_for(alice).get(reverse("members")).content.decode()
    assert sam.display_name in body
    assert charlie.display_name not in body


def test_only_owner_changes_roles(client_for, owner, admin, alice):
    assert (
        client_for(alice)
        .post(reverse("member_role", args=[alice.pk]), {"role": "admin"})
        .status_code
        == 403
    )
    assert (
        client_for(admin)
        .post(reverse("member_role", args=[alice.pk]), {"role": "admin"})
        .status_code
        == 403
    )
    alice.refresh_from_db()
    assert alice.role == Role.ENGINEER
    assert (
        client_for(owner)
        .post(reverse("member_role", args=[alice.pk]), {"role": "admin"})
        .status_code
        == 302
    )
    alice.refresh_from_db()
    assert alice.role == Role.ADMIN


def test_owner_cannot_change_role_in_another_account(client_for, owner, charlie):
    response = client_for(owner).post(reverse("member_role", args=[charlie.pk]), {"role": "viewer"})
    assert response.status_code == 404
    charlie.refresh_from_db()
    assert charlie.role == Role.ENGINEER


def test_last_owner_cannot_demote_themself(client_for, owner):
    response = client_for(owner).post(reverse("member_role", args=[owner.pk]), {"role": "engineer"})
    assert response.status_code == 400
    assert "at least one owner" in response.content.decode()
    owner.refresh_from_db()
    assert owner.role == Role.OWNER


def test_django_admin_pages_load_for_operator(client):
    operator = User.objects.create_superuser("ops@example.test", PASSWORD)
    client.force_login(operator, backend="troubleshoot.accounts.auth_backends.EmailBackend")
    for name in (
        "admin:index",
        "admin:troubleshoot_user_changelist",
        "admin:troubleshoot_account_changelist",
    ):
        assert client.get(reverse(name)).status_code == 200
    assert client.get(reverse("admin:troubleshoot_user_add")).status_code == 200
    assert (
        client.get(reverse("admin:troubleshoot_user_changelist") + "?role=viewer&q=ops").status_code
        == 200
    )


def test_tenant_users_cannot_use_django_admin(client_for, owner):
    response = client_for(owner).get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_owner_restores_a_removed_person_who_can_log_in_again(client, client_for, owner, alice):
    client_for(owner).post(reverse("member_remove", args=[alice.pk]))
    page = client_for(owner).get(reverse("members")).content.decode()
    assert f'id="removed-{alice.pk}"' in page and "Restore" in page

    response = client_for(owner).post(reverse("member_restore", args=[alice.pk]))
    assert response.status_code == 302
    alice.refresh_from_db()
    assert (alice.deleted_at, alice.is_active, alice.role) == (None, True, Role.ENGINEER)
    assert alice in User.objects.members_of(owner.account_id)
    response = client.post(reverse("login"), {"login": alice.email, "password": PASSWORD})
    assert int(client.session["_auth_user_id"]) == alice.pk


def test_only_an_owner_restores_and_only_in_their_own_account(
    client_for, owner, admin, alice, globex
):
    other_owner = make_user(globex, Role.OWNER, name="Gus Globex")
    client_for(owner).post(reverse("member_remove", args=[alice.pk]))
    # An admin sees no restore list and may not restore.
    assert "Removed people" not in client_for(admin).get(reverse("members")).content.decode()
    assert client_for(admin).post(reverse("member_restore", args=[alice.pk])).status_code == 403
    # Another account's owner gets 404, and an active person is not "restorable".
    assert (
        client_for(other_owner).post(reverse("member_restore", args=[alice.pk])).status_code == 404
    )
    assert client_for(owner).post(reverse("member_restore", args=[admin.pk])).status_code == 404
    assert User.all_objects.get(pk=alice.pk).deleted_at is not None


def test_admin_moves_a_person_to_another_team(client_for, admin, alice, acme, acme_team):
    infra = make_team(acme, "Infrastructure")
    response = client_for(admin).post(reverse("member_team", args=[alice.pk]), {"team": infra.pk})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.team_id == infra.pk
    client_for(admin).post(reverse("member_team", args=[alice.pk]), {"team": ""})
    alice.refresh_from_db()
    assert alice.team_id is None


def test_team_change_refuses_other_accounts_teams_and_non_admins(
    client_for, admin, alice, sam, globex, acme_team
):
    elsewhere = make_team(globex, "Elsewhere")
    response = client_for(admin).post(
        reverse("member_team", args=[alice.pk]), {"team": elsewhere.pk}
    )
    assert response.status_code == 400
    response = client_for(sam).post(reverse("member_team", args=[alice.pk]), {"team": ""})
    assert response.status_code == 403
    alice.refresh_from_db()
    assert alice.team_id == acme_team.pk
